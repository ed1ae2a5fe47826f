// The one wrapper every HTTP API route goes through: the API key first (401), the key's rate
// (429), its permission (403); then the route; AppErrors become `{"error":{"code","message"}}`
// with their status, and anything else is logged once and answered 500 without details.
import "server-only";
import type { z } from "zod";
import { authenticateApiKey, type ApiKeyIdentity } from "../api-keys/authenticate-api-key";
import { takeKeyRequest } from "../api-keys/key-rate-limit";
import { recordKeyUse } from "../api-keys/record-key-use";
import type { ApiErrorBody, ApiErrorCode } from "../api/api-errors";
import { AppError } from "../errors/app-error";

export interface ApiCall<Params> {
  request: Request;
  key: ApiKeyIdentity;
  params: Params;
}

const NO_STORE = { "Cache-Control": "no-store" };

export function apiRoute<Params = Record<string, never>>(options: {
  /** Names the route in the operator's log line. */
  name: string;
  /** "read" needs a key with the send_read permission; every key may "send". */
  permission: "send" | "read";
  handle: (call: ApiCall<Params>) => Promise<Response>;
}): (request: Request, context: { params: Promise<Params> }) => Promise<Response> {
  return async (request, context) => {
    try {
      const key = await authenticateApiKey(request.headers.get("authorization"));
      await takeKeyRequest(key.id);
      if (options.permission === "read" && key.permission !== "send_read") {
        throw new AppError(
          "forbidden",
          "This key may only send messages; reading and canceling them needs a key with the “Send and read” permission.",
        );
      }
      recordKeyUse(key.id, "api", clientIp(request));
      return await options.handle({ request, key, params: await context.params });
    } catch (error) {
      return apiErrorResponse(error, options.name);
    }
  };
}

export function apiJson(body: unknown, status = 200, headers: Record<string, string> = {}) {
  return Response.json(body, { status, headers: { ...NO_STORE, ...headers } });
}

/** An error as the API answers it; unexpected errors are logged (one line, no secrets). */
export function apiErrorResponse(error: unknown, name: string): Response {
  if (error instanceof AppError && error.status < 500) {
    const field = error.details ? Object.keys(error.details)[0] : undefined;
    const body: ApiErrorBody = {
      error: { code: error.code as ApiErrorCode, message: error.message, ...(field && { field }) },
    };
    const headers: Record<string, string> = {};
    if (error.code === "rate_limited")
      headers["Retry-After"] = String(error.retryAfterSeconds ?? 60);
    if (error.code === "unauthorized") headers["WWW-Authenticate"] = 'Bearer realm="mailroom"';
    return apiJson(body, error.status, headers);
  }
  console.error(`api ${name} failed: ${summarize(error)}`);
  const body: ApiErrorBody = {
    error: { code: "internal", message: "Something went wrong. Please try again." },
  };
  return apiJson(body, 500);
}

/**
 * The handler for the methods a path does not take: 405 in the API's error shape (Next's own
 * 405 has an empty body), with Allow.
 */
export function methodNotAllowed(...allowed: string[]): () => Response {
  return () => {
    const response = apiErrorResponse(
      new AppError("method_not_allowed", `This endpoint takes ${allowed.join(" or ")} only.`),
      "wrong-method",
    );
    response.headers.set("Allow", allowed.join(", "));
    return response;
  };
}

/** Parses with zod; the first issue becomes a 422 naming its field ("to", "attachments.0.content"). */
export function parseOrRefuse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.map(String).join(".") ?? "";
  const keys = issue && "keys" in issue ? issue.keys : undefined;
  const field = path || (Array.isArray(keys) ? String(keys[0]) : "");
  const message = issue?.message ?? "The request is invalid.";
  throw new AppError(
    "invalid_input",
    field ? `${field}: ${message}` : message,
    field ? { [field]: message } : undefined,
  );
}

/** The caller's address: the first of X-Forwarded-For, which Next.js sets to the peer's. */
export function clientIp(request: Request): string | undefined {
  return request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || undefined;
}

function summarize(error: unknown): string {
  if (!(error instanceof Error)) return "non-Error thrown";
  const firstLine = error.message.split("\n", 1)[0]?.slice(0, 200) ?? "";
  return `${error.name}: ${firstLine}`;
}
