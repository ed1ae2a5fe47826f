// An error that already knows the HTTP response it should become.

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

/** The emulator's own APIs (inbox, control) answer errors as `{error: {code, message}}`. */
export function apiError(status: number, code: string, message: string): HttpError {
  return new HttpError(status, { error: { code, message } });
}
