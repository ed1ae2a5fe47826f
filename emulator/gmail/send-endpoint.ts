// users.messages.send: POST /gmail/v1/users/{userId}/messages/send with JSON {raw: base64url}, or
// the media upload POST /upload/gmail/v1/users/{userId}/messages/send?uploadType=media with the
// RFC 822 message as the body. The message lands in the same mailbox as SMTP-submitted mail.
import { z } from "zod";
import type { EmulatorContext } from "../context";
import { readBody } from "../http/body";
import { HttpError } from "../http/http-error";
import { sendJson } from "../http/respond";
import type { RequestContext } from "../http/router";
import { parseIncoming } from "../mailbox";
import { SEND_SCOPES } from "../oauth/scopes";
import { apiSendError, userRateLimitExceeded } from "./api-faults";
import { authorizeGmailRequest, googleError, INVALID_ARGUMENT } from "./google-errors";
import { prepareOutgoing } from "./outgoing-message";

// A Message resource; only raw matters for sending (threadId would file it in a thread).
const sendBody = z.object({ raw: z.string().min(1), threadId: z.string().optional() });

/** base64url (or plain base64, which Google also takes) to bytes; undefined if it is neither. */
function decodeRaw(value: string): Buffer | undefined {
  const compact = value.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9_\-+/]*={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

async function readJsonRaw(rc: RequestContext, limit: number): Promise<Buffer> {
  const text = (await readBody(rc.req, limit)).toString("utf8");
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    throw googleError(400, "INVALID_ARGUMENT", "Invalid JSON payload received.", "parseError");
  }
  const parsed = sendBody.safeParse(body);
  if (!parsed.success) {
    throw INVALID_ARGUMENT(
      "'raw' RFC822 payload message string or uploading message via /upload/* URL required",
    );
  }
  const { raw } = parsed.data;
  const decoded = decodeRaw(raw);
  if (!decoded) {
    throw googleError(
      400,
      "INVALID_ARGUMENT",
      `Invalid value at 'message.raw' (TYPE_BYTES), Base64 decoding failed for "${raw.slice(0, 40)}"`,
      "invalid",
    );
  }
  return decoded;
}

async function readMessage(
  ctx: EmulatorContext,
  rc: RequestContext,
  upload: boolean,
): Promise<Buffer> {
  // A base64 body is a third larger than the message it carries.
  const limit = upload ? ctx.maxMessageBytes : Math.ceil(ctx.maxMessageBytes * 1.4);
  try {
    if (!upload) return await readJsonRaw(rc, limit);
    const uploadType = rc.url.searchParams.get("uploadType");
    if (uploadType !== "media") {
      throw INVALID_ARGUMENT(
        `Unsupported uploadType ${JSON.stringify(uploadType ?? "")}: the emulator takes uploadType=media.`,
      );
    }
    return await readBody(rc.req, limit);
  } catch (error) {
    if (error instanceof HttpError && error.status === 413) {
      throw googleError(
        413,
        "INVALID_ARGUMENT",
        "Request payload size exceeds the limit.",
        "uploadTooLarge",
      );
    }
    throw error;
  }
}

function send(upload: boolean) {
  return async (ctx: EmulatorContext, rc: RequestContext): Promise<void> => {
    const token = authorizeGmailRequest(ctx, rc, SEND_SCOPES);
    const account = ctx.accounts.ensure(token.email);
    const raw = await readMessage(ctx, rc, upload);

    const injected = ctx.apiFaults.take(account.email);
    if (injected) {
      ctx.log(`gmail api: send by ${account.email} answered ${injected} (failNextApiSend)`);
      throw apiSendError(injected, ctx.now());
    }

    const outgoing = await prepareOutgoing(raw);
    if (ctx.quota.wouldExceed(account, outgoing.recipients.length)) {
      throw userRateLimitExceeded(ctx.quota.nextFreeAt(account.email), ctx.now());
    }

    const message = await parseIncoming({
      account: account.email,
      mailFrom: "",
      rcptTo: outgoing.recipients,
      raw: outgoing.raw,
      receivedAt: ctx.now(),
      via: "api",
      credential: "oauth",
      listener: "api",
      port: Number(new URL(ctx.issuer).port),
      sendableAddresses: ctx.accounts.sendableAddresses(account.email),
    });
    message.envelope.mailFrom = account.email;
    ctx.mailbox.add(message);
    ctx.quota.record(account.email, outgoing.recipients.length);
    ctx.stats.count("messages", account.email);
    ctx.log(
      `gmail api: accepted ${message.messageId || message.id} from ${account.email} to ${outgoing.recipients.length} recipient(s)`,
    );
    // Gmail's ids are 16 hex digits; a new message starts its own thread.
    sendJson(rc.res, 200, { id: message.id, threadId: message.id, labelIds: ["SENT"] });
  };
}

export const sendMessage = send(false);
export const uploadMessage = send(true);
