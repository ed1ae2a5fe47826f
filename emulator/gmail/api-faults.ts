// Injected Gmail API send failures: "the next N sends answer 429/500/503", consumed in order, as
// the SMTP side's failNext is (smtp/faults.ts).
import type { HttpError } from "../http/http-error";
import { normalizeEmail } from "../state/accounts";
import type { ApiSendError, FailNextApiSendOptions } from "../types";
import { googleError } from "./google-errors";

export const API_SEND_ERRORS = [
  "rateLimitExceeded",
  "userRateLimitExceeded",
  "backendError",
  "unavailable",
] as const satisfies readonly ApiSendError[];

/** How long an injected userRateLimitExceeded asks the client to wait. */
const INJECTED_RETRY_AFTER_MS = 60_000;

/** Gmail's answer when the daily sending limit is used up, with when sending may resume. */
export function userRateLimitExceeded(retryAt: number, now: number): HttpError {
  const retryAfter = Math.max(1, Math.ceil((retryAt - now) / 1000));
  return googleError(
    429,
    "RESOURCE_EXHAUSTED",
    `User-rate limit exceeded.  Retry after ${new Date(retryAt).toISOString()}`,
    "userRateLimitExceeded",
    { domain: "usageLimits" },
    { "Retry-After": String(retryAfter) },
  );
}

export function apiSendError(error: ApiSendError, now: number): HttpError {
  switch (error) {
    case "rateLimitExceeded":
      return googleError(
        429,
        "RESOURCE_EXHAUSTED",
        "Too many concurrent requests for user.",
        "rateLimitExceeded",
        { domain: "usageLimits" },
      );
    case "userRateLimitExceeded":
      return userRateLimitExceeded(now + INJECTED_RETRY_AFTER_MS, now);
    case "backendError":
      return googleError(500, "INTERNAL", "Internal error encountered.", "backendError");
    case "unavailable":
      return googleError(
        503,
        "UNAVAILABLE",
        "The service is currently unavailable.",
        "backendError",
      );
  }
}

interface Rule {
  remaining: number;
  error: ApiSendError;
  email?: string;
}

export class ApiFaultQueue {
  private rules: Rule[] = [];

  failNext(count: number, error: ApiSendError, options: FailNextApiSendOptions = {}): void {
    if (!Number.isInteger(count) || count < 1) throw new Error("count must be a positive integer.");
    if (!API_SEND_ERRORS.includes(error)) {
      throw new Error(`error must be one of ${API_SEND_ERRORS.join(", ")}.`);
    }
    this.rules.push({
      remaining: count,
      error,
      email: options.email === undefined ? undefined : normalizeEmail(options.email),
    });
  }

  /** The injected error for this send, if one is queued for the account (and uses it up). */
  take(email: string): ApiSendError | undefined {
    const account = normalizeEmail(email);
    const rule = this.rules.find((r) => r.email === undefined || r.email === account);
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining === 0) this.rules = this.rules.filter((r) => r !== rule);
    return rule.error;
  }

  reset(): void {
    this.rules = [];
  }
}
