// Reading request bodies with a size limit: forms, JSON, and Google's either-or token requests.
import type { IncomingMessage } from "node:http";
import { apiError, HttpError } from "./http-error";

const DEFAULT_LIMIT = 1024 * 1024;
const DRAIN_LIMIT = 64 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = DEFAULT_LIMIT): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    // Past the limit the rest is read and dropped, so the client can receive the 413 instead
    // of a reset connection; far past it the request is cut off.
    if (size > DRAIN_LIMIT) {
      req.destroy();
      break;
    }
    if (size <= limit) chunks.push(buffer);
  }
  if (size > limit) {
    throw apiError(413, "payload_too_large", `The request body is larger than ${limit} bytes.`);
  }
  return Buffer.concat(chunks);
}

function mediaType(req: IncomingMessage): string {
  return (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/** JSON body (an empty body reads as `{}`); malformed JSON is a 400, never a crash. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = (await readBody(req)).toString("utf8");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw apiError(400, "invalid_json", "The request body is not valid JSON.");
  }
}

/**
 * Parameters of a form POST. Google's token and revoke endpoints also take JSON bodies, so a
 * JSON object of strings is accepted too.
 */
export async function readParams(req: IncomingMessage): Promise<URLSearchParams> {
  const body = (await readBody(req)).toString("utf8");
  if (mediaType(req) === "application/json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body) as unknown;
    } catch {
      throw new HttpError(400, {
        error: "invalid_request",
        error_description: "Invalid JSON payload.",
      });
    }
    const params = new URLSearchParams();
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      for (const [key, value] of Object.entries(parsed)) {
        if (typeof value === "string" || typeof value === "number") params.set(key, String(value));
      }
    }
    return params;
  }
  return new URLSearchParams(body);
}
