// POST /api/v1/messages: the body checked with the same rules as compose, the From address
// checked against the key, then into the outbox like every other message — once per
// Idempotency-Key when one is given.
import "server-only";
import type { ApiKeyIdentity } from "../api-keys/authenticate-api-key";
import { AppError } from "../errors/app-error";
import { parseOrRefuse } from "../http/api-route";
import type { MessageInput } from "../mail/message-input";
import { enqueueMessage } from "../outbox/enqueue-message";
import { requestHash, withIdempotency, type IdempotentAnswer } from "./idempotency";
import { idempotencyKeySchema, messageRequestSchema } from "./message-request";

export async function sendApiMessage(
  key: ApiKeyIdentity,
  body: unknown,
  idempotencyKey: string | null,
): Promise<IdempotentAnswer> {
  const request = parseOrRefuse(messageRequestSchema, body);
  const idempotency = idempotencyKey === null ? undefined : checkIdempotencyKey(idempotencyKey);
  const from = request.from ?? { name: "", address: key.allowedFrom[0] ?? "" };
  if (!key.allowedFrom.includes(from.address.toLowerCase())) {
    throw new AppError(
      "forbidden",
      `This key may not send from ${from.address || "any address"}.`,
      {
        from: "Not one of the key's From addresses.",
      },
    );
  }
  const input: MessageInput = {
    from: from.address,
    fromName: from.name,
    to: request.to,
    cc: request.cc ?? [],
    bcc: request.bcc ?? [],
    replyTo: request.replyTo,
    subject: request.subject,
    text: request.text ?? "",
    html: request.html,
    attachments: request.attachments,
    headers: request.headers,
  };
  const accept = (messageIdHeader?: string) =>
    enqueueMessage({
      userId: key.userId,
      input,
      source: { kind: "api", apiKeyId: key.id },
      scheduledAt: request.scheduledAt,
      messageIdHeader,
    });

  if (idempotency === undefined) return { status: 202, body: await accept(), replayed: false };
  return withIdempotency(
    {
      apiKeyId: key.id,
      key: idempotency,
      requestHash: requestHash(body),
      fromAddress: from.address,
    },
    accept,
  );
}

function checkIdempotencyKey(value: string): string {
  const parsed = idempotencyKeySchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues[0]?.message ?? "Invalid.";
  throw new AppError("invalid_input", `Idempotency-Key: ${message}`, {
    "Idempotency-Key": message,
  });
}
