// Large content in and out of ContentChunk rows as streams: written a chunk at a time as it
// arrives, and read a chunk at a time as the reader asks, so a 20 MB message or upload never sits
// whole in memory. Engine-agnostic: it goes through the ContentStore half of the outbox seam.
import { Readable } from "node:stream";
import type { ContentStore, MessageMime } from "./outbox";

/** Big enough that a 25 MB message is about a hundred rows, small enough to hold a few at once. */
export const CHUNK_BYTES = 256 * 1024;

/** A MIME at most this big stays in its message's row: the hot path reads and writes one row. */
export const INLINE_MIME_BYTES = 512 * 1024;

/** Content that went past the size it was allowed; what was written of it is deleted. */
export class ContentTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`Content larger than ${maxBytes} bytes.`);
    this.name = "ContentTooLargeError";
  }
}

/**
 * Writes `source` as `ownerId`'s chunks, waiting for each write before reading on (the source is
 * paused meanwhile). Past `maxBytes` it stops, deletes what it wrote and throws
 * ContentTooLargeError; on any other failure it deletes what it wrote too.
 */
export async function writeContent(
  store: ContentStore,
  ownerId: string,
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array>,
  maxBytes: number,
): Promise<number> {
  let size = 0;
  let seq = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async (bytes: number) => {
    const whole = Buffer.concat(pending, pendingBytes);
    await store.writeChunk(ownerId, seq++, whole.subarray(0, bytes));
    const rest = whole.subarray(bytes);
    pending = rest.length ? [rest] : [];
    pendingBytes = rest.length;
  };
  try {
    for await (const piece of source) {
      const bytes = typeof piece === "string" ? Buffer.from(piece) : Buffer.from(piece);
      size += bytes.length;
      if (size > maxBytes) throw new ContentTooLargeError(maxBytes);
      pending.push(bytes);
      pendingBytes += bytes.length;
      while (pendingBytes >= CHUNK_BYTES) await flush(CHUNK_BYTES);
    }
    if (pendingBytes > 0 || seq === 0) await flush(pendingBytes);
    return size;
  } catch (error) {
    await store.deleteContent(ownerId).catch(() => undefined);
    throw error;
  }
}

/** `ownerId`'s chunks as a stream, each read from the database when the reader wants more. */
export function openContent(store: ContentStore, ownerId: string): Readable {
  let seq = 0;
  return new Readable({
    // One chunk in hand at a time.
    highWaterMark: 1,
    objectMode: false,
    read() {
      store.readChunk(ownerId, seq++).then(
        (chunk) => {
          if (!chunk) {
            if (seq === 1) this.destroy(new Error(`Content ${ownerId} has no stored chunks.`));
            else this.push(null);
            return;
          }
          // Only empty content has an empty chunk (its only one): pushed, it would not end.
          this.push(chunk.length > 0 ? chunk : null);
        },
        (error: Error) => this.destroy(error),
      );
    },
  });
}

/** A message's MIME as a stream, from its row or its chunks. */
export function mimeStream(store: ContentStore, mime: MessageMime): Readable {
  return Buffer.isBuffer(mime) ? Readable.from([mime]) : openContent(store, mime.contentId);
}

/** The MIME's size in bytes, wherever it is kept. */
export function mimeSize(mime: MessageMime): number {
  return Buffer.isBuffer(mime) ? mime.length : mime.size;
}
