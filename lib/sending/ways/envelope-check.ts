// The Gmail API has no envelope: it delivers to every address the To and Cc headers name. A
// message accepted while its account sent over SMTP may name people its envelope leaves out (a
// list server's copy for one member, say); sent with the API after a change of way, it would
// reach them all. Before each API send the worker checks, and such a message fails with a
// sentence that says why instead of over-delivering. (The relay refuses such a message at once
// when the account already sends with the API.)
import type { Readable } from "node:stream";
import addressparser from "nodemailer/lib/addressparser";

export class NarrowEnvelopeError extends Error {
  constructor(readonly left: string) {
    super(
      `The Gmail API delivers to every To and Cc address, and this message names ${left}, whom its envelope leaves out. Choose SMTP on the status page and send it again, or send it with headers that match its recipients.`,
    );
    this.name = "NarrowEnvelopeError";
  }
}

/** Throws NarrowEnvelopeError when the To or Cc header names an address outside the envelope. */
export async function refuseNarrowEnvelope(
  raw: Buffer | Readable,
  envelope: readonly string[],
): Promise<void> {
  const left = namedOutsideEnvelope(await startOf(raw), envelope);
  if (left.length) throw new NarrowEnvelopeError(left[0] ?? "");
}

/**
 * The lowercase addresses the To and Cc headers name that the envelope leaves out, read from the
 * start of the message up to its first empty line (the body is not read).
 */
export function namedOutsideEnvelope(message: string, envelope: readonly string[]): string[] {
  const sent = new Set(envelope.map((a) => a.toLowerCase()));
  const end = message.search(/\r?\n\r?\n/);
  const named = (end === -1 ? message : message.slice(0, end))
    .replace(/\r?\n[ \t]+/g, " ")
    .split(/\r?\n/)
    .filter((line) => /^(to|cc)\s*:/i.test(line))
    .flatMap((line) => addressparser(line.slice(line.indexOf(":") + 1), { flatten: true }))
    .map((m) => m.address.toLowerCase())
    .filter((address) => address !== "");
  return [...new Set(named.filter((address) => !sent.has(address)))];
}

/** The message's start as text: all of it in memory, or its first chunk from storage. */
async function startOf(raw: Buffer | Readable): Promise<string> {
  if (Buffer.isBuffer(raw)) return raw.toString("utf8");
  try {
    for await (const chunk of raw) return Buffer.from(chunk as Buffer).toString("utf8");
    return "";
  } finally {
    raw.destroy();
  }
}
