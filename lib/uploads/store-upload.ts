// Stores a file uploaded from compose: its bytes streamed into chunks as they arrive (never whole
// in memory), then its Upload row, so a crash mid-upload leaves only chunks the sweep removes.
// Refused past what fits in one Gmail message, or past what the user may hold in uploads.
import "server-only";
import { env } from "../env";
import { AppError } from "../errors/app-error";
import { formatMegabytes, MAX_ATTACHMENT_BYTES } from "../mail/message-limits";
import { ContentTooLargeError, writeContent } from "../outbox/content-stream";
import { newId } from "../outbox/new-id";
import { outbox } from "../outbox/open-outbox";
import type { UploadRecord } from "../outbox/outbox";

export async function storeUpload(options: {
  userId: string;
  filename: string;
  contentType: string;
  /** The declared size (Content-Length), when the client sent one: refused before reading. */
  declaredBytes?: number;
  body: AsyncIterable<Uint8Array>;
}): Promise<UploadRecord> {
  const store = await outbox();
  const userCap = env().USER_MAX_UPLOAD_MB * 1024 * 1024;
  const room = userCap - (await store.uploadedBytes(options.userId));
  const maxBytes = Math.min(MAX_ATTACHMENT_BYTES, room);
  const refusal = () =>
    maxBytes === room && room < MAX_ATTACHMENT_BYTES
      ? new AppError(
          "too_large",
          `Your uploads waiting to be sent already hold ${formatMegabytes(userCap - room)} of ${formatMegabytes(userCap)}. Send or remove some first.`,
        )
      : new AppError(
          "too_large",
          `The file is larger than ${formatMegabytes(MAX_ATTACHMENT_BYTES)}, the most that fits in Gmail's ${formatMegabytes(25 * 1024 * 1024)} once encoded.`,
        );
  if (options.declaredBytes !== undefined && options.declaredBytes > maxBytes) throw refusal();

  const id = newId();
  let size: number;
  try {
    size = await writeContent(store, id, options.body, Math.max(0, maxBytes));
  } catch (error) {
    if (error instanceof ContentTooLargeError) throw refusal();
    throw error;
  }
  const upload: UploadRecord = {
    id,
    userId: options.userId,
    filename: options.filename,
    contentType: options.contentType,
    size,
    createdAt: new Date(),
  };
  await store.addUpload(upload);
  return upload;
}
