// A message submitted to the relay, kept as submitted: byte for byte, except that its Bcc headers
// are removed (the envelope says who gets a copy; recipients must not see the list) and a
// Message-ID is added when it has none. mailsplit parses the MIME structure and the header block;
// every other byte, and every header left alone, stays exactly as it came.
import { Readable, Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Joiner, Splitter, type Headers } from "@zone-eu/mailsplit";

/** Headers that list blind copies. */
const BLIND_COPY_HEADERS = ["bcc", "resent-bcc"];

export interface KeptMessage {
  mime: Buffer;
  /** The Message-ID header's value: the submitted one, or the one added. */
  messageId: string;
}

export async function keepAsSubmitted(
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
        for (const name of BLIND_COPY_HEADERS) root.remove(name);
        messageId = root.getFirst("message-id");
        if (!messageId) {
          messageId = newMessageId();
          // At the end of the header block, after whatever the client wrote.
          root.add("Message-ID", messageId, root.getList().length);
        }
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
