// Reads a request's JSON body for the HTTP API: JSON only (415), at most MAX_API_BODY_BYTES
// whether or not a Content-Length says so (413), valid UTF-8 and JSON (400).
import { AppError } from "../errors/app-error";

/**
 * 29 MB: a 25 MB message with its attachments in base64 fits, and it stays under the 30 MB that
 * the proxy (next.config.js proxyClientMaxBodySize) passes on whole — past that Next would hand
 * the route a truncated body, which this limit then refuses as too large rather than misreading.
 */
export const MAX_API_BODY_BYTES = 29 * 1024 * 1024;

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/;

export function tooLargeRequest(): AppError {
  return new AppError(
    "too_large",
    `The request is larger than ${MAX_API_BODY_BYTES / 1024 / 1024} MB (a message is at most 25 MB).`,
  );
}

export async function readJsonBody(request: Request): Promise<unknown> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!JSON_TYPE.test(type)) {
    throw new AppError(
      "unsupported_media_type",
      "Send the body as JSON, with Content-Type: application/json.",
    );
  }
  if (Number(request.headers.get("content-length") ?? 0) > MAX_API_BODY_BYTES) {
    throw tooLargeRequest();
  }
  const bytes = await readAtMost(request, MAX_API_BODY_BYTES);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("bad_request", "The body is not valid UTF-8.");
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError("bad_request", "The body is not valid JSON.");
  }
}

async function readAtMost(request: Request, max: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let part: ReadableStreamReadResult<Uint8Array>;
    try {
      part = await reader.read();
    } catch {
      throw new AppError("bad_request", "The body could not be read.");
    }
    if (part.done) break;
    total += part.value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      throw tooLargeRequest();
    }
    chunks.push(part.value);
  }
  return Buffer.concat(chunks);
}
