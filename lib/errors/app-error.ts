// Errors with a stable code and a sentence meant for a person; mapped to HTTP in one place.
export type AppErrorCode =
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "invalid_input"
  | "bad_request"
  | "too_large"
  | "unsupported_media_type"
  | "idempotency_key_reused"
  | "idempotency_in_progress"
  | "conflict"
  | "reconnect_needed"
  | "google_unavailable"
  | "rate_limited"
  | "internal";

const STATUS: Record<AppErrorCode, number> = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  invalid_input: 422,
  bad_request: 400,
  too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  idempotency_in_progress: 409,
  conflict: 409,
  reconnect_needed: 409,
  google_unavailable: 502,
  rate_limited: 429,
  internal: 500,
};

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: Record<string, string>,
    /** When to try again (rate_limited): an API answers it as Retry-After. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "AppError";
    this.status = STATUS[code];
  }
}
