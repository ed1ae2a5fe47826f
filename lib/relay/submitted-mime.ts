// A message submitted to the relay, kept as submitted: byte for byte, except that its Bcc headers
// are removed (the envelope says who gets a copy; recipients must not see the list) and a
// Message-ID is added when it has none. mailsplit parses the header block; every other byte, and
// every header left alone, stays exactly as it came.
import { Readable, Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Headers, Joiner, Splitter } from "@zone-eu/mailsplit";

/** Headers that list blind copies. */
const BLIND_COPY_HEADERS = ["bcc", "resent-bcc"];

export interface KeptMessage {
  mime: Buffer;
  /** The Message-ID header's value: the submitted one, or the one added. */
  messageId: string;
}

/**
 * Header blocks up to this size are edited on their own (below); mailsplit would find the same
 * block and could not refuse it (it refuses a block costing over 1 MiB, a line costing at least
 * 64 bytes). A larger one goes through mailsplit whole, which applies its limits.
 */
export const HEADER_BLOCK_ON_ITS_OWN = 16 * 1024;

export async function keepAsSubmitted(
  raw: Buffer,
  newMessageId: () => string,
): Promise<KeptMessage> {
  // Only the top-level header block changes, and mailsplit's splitter ends it at the first empty
  // line, as below; every byte after it passes through mailsplit untouched. So the block is
  // parsed and rebuilt with mailsplit's own Headers, and the rest is copied as it came, without
  // running the whole message through the splitter and joiner streams.
  const end = headerBlockEnd(raw);
  if (end > HEADER_BLOCK_ON_ITS_OWN) return keepThroughMailsplit(raw, newMessageId);
  const root = new Headers(raw.subarray(0, end), {});
  const messageId = editRootHeaders(root, newMessageId);
  return { mime: Buffer.concat([root.build(), raw.subarray(end)]), messageId };
}

/**
 * Where the top-level header block ends: after the first line that is empty ("\n" or "\r\n",
 * lines ending at "\n" as mailsplit splits them), or at the end of a message without one.
 */
export function headerBlockEnd(raw: Buffer): number {
  let start = 0;
  while (start < raw.length) {
    const newline = raw.indexOf(0x0a, start);
    if (newline < 0) return raw.length;
    const length = newline - start;
    if (length === 0 || (length === 1 && raw[start] === 0x0d)) return newline + 1;
    start = newline + 1;
  }
  return raw.length;
}

/** Removes the blind copies and adds a Message-ID if there is none; returns the Message-ID. */
function editRootHeaders(root: Headers, newMessageId: () => string): string {
  for (const name of BLIND_COPY_HEADERS) root.remove(name);
  let messageId = root.getFirst("message-id");
  if (!messageId) {
    messageId = newMessageId();
    // At the end of the header block, after whatever the client wrote.
    root.add("Message-ID", messageId, root.getList().length);
  }
  return messageId;
}

/**
 * The whole message through mailsplit's splitter and joiner, the root's headers edited: what
 * keepAsSubmitted does for a large header block, and what it must match for every other one.
 */
export async function keepThroughMailsplit(
  raw: Buffer,
  newMessageId: () => string,
): Promise<KeptMessage> {
  let root: Headers | undefined;
  let messageId = "";
  const edit = new Transform({
    objectMode: true,
    transform(chunk: { type?: string; root?: boolean; headers?: Headers }, _encoding, done) {
      if (chunk.type === "node" && chunk.root && chunk.headers) {
        root = chunk.headers;
        messageId = editRootHeaders(root, newMessageId);
      }
      done(null, chunk);
    },
  });
  const parts: Buffer[] = [];
  await pipeline(
    Readable.from([raw]),
    new Splitter(),
    edit,
    new Joiner(),
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        parts.push(chunk);
        done();
      },
    }),
  );
  if (!root) throw new Error("mailsplit found no header block in the message.");
  return { mime: Buffer.concat(parts), messageId };
}
