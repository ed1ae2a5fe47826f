// Setup check: Google's OpenID discovery document reachable at GOOGLE_ISSUER, naming that issuer.
// Its answer's Date header is kept for the clock check.
import { discoverySchema, discoveryUrl } from "../google/discovery";
import { oneLine } from "../errors/one-line";
import type { ClockReading } from "./check-clock";
import type { SetupCheckResult } from "./types";

const TITLE = "Google discovery";

export async function checkDiscovery(
  issuer: string,
  timeoutMs: number,
): Promise<{ result: SetupCheckResult; clock?: ClockReading }> {
  const url = discoveryUrl(issuer);
  const fail = (summary: string, fix: string, clock?: ClockReading) => ({
    result: { id: "discovery" as const, title: TITLE, status: "fail" as const, summary, fix },
    clock,
  });
  const sentAt = Date.now();
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
  } catch (error) {
    return fail(
      `Could not reach ${url}: ${describeFetchError(error)}.`,
      "Check GOOGLE_ISSUER (https://accounts.google.com unless you run the emulator) and that this machine reaches it over HTTPS: DNS, firewall, proxy.",
    );
  }
  const clock = clockReading(response, sentAt, Date.now());
  if (!response.ok) {
    return fail(
      `${url} answered HTTP ${response.status}.`,
      "GOOGLE_ISSUER must be the issuer itself (https://accounts.google.com), with no path after it.",
      clock,
    );
  }
  const parsed = discoverySchema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) {
    return fail(
      `${url} did not answer with an OpenID discovery document.`,
      "GOOGLE_ISSUER must be the issuer itself (https://accounts.google.com), with no path after it.",
      clock,
    );
  }
  if (parsed.data.issuer !== issuer) {
    return fail(
      `The discovery document names the issuer ${parsed.data.issuer}, but GOOGLE_ISSUER is ${issuer}.`,
      `Sign-in checks that ID tokens come from GOOGLE_ISSUER: set it to exactly ${parsed.data.issuer}.`,
      clock,
    );
  }
  return {
    result: {
      id: "discovery",
      title: TITLE,
      status: "ok",
      summary: `${url} answered; token endpoint ${parsed.data.token_endpoint}.`,
    },
    clock,
  };
}

function clockReading(
  response: Response,
  sentAt: number,
  receivedAt: number,
): ClockReading | undefined {
  const date = response.headers.get("date");
  const remote = date ? Date.parse(date) : NaN;
  if (Number.isNaN(remote)) return undefined;
  // The server stamped its Date somewhere between sending and receiving: take the middle.
  return { remoteMs: remote, localMs: Math.round((sentAt + receivedAt) / 2), source: response.url };
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError") return "no answer in time";
  // fetch says only "fetch failed"; the reason (ECONNREFUSED, a certificate error) is its cause.
  const cause = error instanceof Error ? error.cause : undefined;
  return oneLine(cause instanceof Error ? cause : error);
}
