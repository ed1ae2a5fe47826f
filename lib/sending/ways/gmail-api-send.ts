// Sends one message with the Gmail API's users.messages.send (media upload of the RFC 822
// bytes), which needs only the gmail.send scope. A 401 gets one fresh token and one more try,
// as nodemailer does for SMTP; any other error is a GmailApiError for failure-outcome.ts.
import "server-only";
import { Readable } from "node:stream";
import { auth, gmail_v1 } from "googleapis/build/src/apis/gmail";
import { env } from "../../env";
import { getAccessToken } from "../../google/access-token";

/** The Gmail API's answer to a send it refused, without anything from the request. */
export class GmailApiError extends Error {
  constructor(
    /** The HTTP status; undefined when no answer came (network). */
    readonly status: number | undefined,
    /** Google's reason ("insufficientPermissions", "userRateLimitExceeded", …). */
    readonly reason: string,
    readonly apiMessage: string,
    /** From Retry-After, when Google sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(
      status
        ? `Gmail API ${status} ${reason}: ${apiMessage}`
        : `Gmail API unreachable: ${apiMessage}`,
    );
    this.name = "GmailApiError";
  }

  /** What history records in place of an SMTP reply. */
  get reply(): string {
    return this.message;
  }
}

/**
 * `raw` gives the stored MIME afresh for each try. The API has no envelope: it sends to the To,
 * Cc and Bcc headers and removes Bcc, so the Bcc recipients (kept out of the stored MIME) go in
 * a Bcc header here.
 */
export async function sendWithGmailApi(
  accountId: string,
  raw: () => Buffer | Readable,
  bcc: readonly string[],
): Promise<ApiSent> {
  const body = () => withBcc(raw(), bcc);
  const token = await getAccessToken(accountId);
  try {
    return await post(token.accessToken, body());
  } catch (error) {
    if (!(error instanceof GmailApiError) || error.status !== 401) throw error;
    const fresh = await getAccessToken(accountId, { forceRefresh: true });
    return post(fresh.accessToken, body());
  }
}

/** The message with a Bcc header first, one address per folded line (addresses were validated). */
export function withBcc(raw: Buffer | Readable, bcc: readonly string[]): Buffer | Readable {
  if (bcc.length === 0) return raw;
  const header = Buffer.from(`Bcc: ${bcc.join(",\r\n ")}\r\n`, "utf8");
  if (Buffer.isBuffer(raw)) return Buffer.concat([header, raw]);
  return Readable.from(
    (async function* () {
      yield header;
      yield* raw;
    })(),
  );
}

/** The API's answer as history records it, and its HTTP status in place of an SMTP code. */
export interface ApiSent {
  response: string;
  code: number;
}

async function post(accessToken: string, body: Buffer | Readable): Promise<ApiSent> {
  const client = new auth.OAuth2();
  client.setCredentials({ access_token: accessToken });
  // googleapis joins the root and the path with a slash of its own.
  const rootUrl = `${env().GMAIL_API_URL.replace(/\/+$/, "")}/`;
  const gmail = new gmail_v1.Gmail({
    rootUrl,
    auth: client,
    timeout: env().SEND_DEADLINE_SECONDS * 1000,
    // Mailroom's outbox decides about retries, with backoff, across processes.
    retry: false,
  });
  try {
    const { status, data } = await gmail.users.messages.send(
      { userId: "me", media: { mimeType: "message/rfc822", body } },
      // The media upload takes its root from the call's options, not the client's.
      { rootUrl },
    );
    return {
      response: `Gmail API ${status} OK: message ${data.id ?? "?"}, thread ${data.threadId ?? "?"}`,
      code: status,
    };
  } catch (error) {
    throw apiError(error);
  }
}

interface GaxiosLike {
  message?: unknown;
  code?: unknown;
  response?: {
    status?: number;
    headers?: unknown;
    data?: unknown;
  };
}

/** Google's status, reason and sentence only: the error's request config carries the token. */
function apiError(error: unknown): GmailApiError {
  const e = (typeof error === "object" && error !== null ? error : {}) as GaxiosLike;
  const status = e.response?.status;
  if (!status) {
    const what = typeof e.code === "string" ? e.code : String(e.message ?? error);
    return new GmailApiError(undefined, "network", oneLine(what));
  }
  const body = (e.response?.data ?? {}) as {
    error?: { message?: unknown; errors?: { reason?: unknown }[]; status?: unknown };
  };
  const reason = body.error?.errors?.[0]?.reason ?? body.error?.status;
  const message = [body.error?.message, e.message].find((m) => typeof m === "string") ?? "";
  return new GmailApiError(
    status,
    typeof reason === "string" && /^[A-Za-z_]+$/.test(reason) ? reason : "error",
    oneLine(message),
    retryAfterMs(e.response?.headers),
  );
}

/** Retry-After in seconds, from a Headers object or a plain record (gaxios versions differ). */
function retryAfterMs(headers: unknown): number | undefined {
  if (!headers || typeof headers !== "object") return undefined;
  const get = (headers as { get?: unknown }).get;
  const value =
    typeof get === "function"
      ? (get as (name: string) => unknown).call(headers, "retry-after")
      : (headers as Record<string, unknown>)["retry-after"];
  if (value === null || value === undefined || value === "") return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim().slice(0, 500);
}
