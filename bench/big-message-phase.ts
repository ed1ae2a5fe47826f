// One path of the big-message benchmark, in a process of its own so its idle RSS is its own:
// accept and send one message of about 20 MB (a 15 MB file, base64-encoded) through the outbox
// to the emulator (which runs in the parent), sampling RSS every 5 ms.
//   chunked: as compose does it now: the file streamed into an upload's chunks, the MIME built
//            as a stream into the message's chunks, the worker streaming it to Gmail.
//   in-row:  as every message was kept before: the file in memory (as the HTTP API receives
//            it), the MIME built whole into a Buffer, kept in the message's row, claimed whole
//            and sent from memory.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { buildMime } from "../lib/mail/build-mime";
import { messageInputSchema } from "../lib/mail/message-input";
import { enqueueMessage } from "../lib/outbox/enqueue-message";
import { outbox } from "../lib/outbox/open-outbox";
import { storeUpload } from "../lib/uploads/store-upload";
import { drainOutbox } from "../tests/support/drain-outbox";
import { insertConnectedUser } from "../tests/support/seed-user";
import { createTestDatabase, emulatorEnv } from "../tests/support/test-app-env";
import type { Emulator } from "../emulator";

export type BigMessagePath = "chunked" | "in-row";

export interface BigMessageSpec {
  kind: "big-message";
  path: BigMessagePath;
  fileBytes: number;
  emulator: Pick<Emulator, "issuer" | "gmailApiUrl" | "smtp">;
  email: string;
  tokens: { refreshToken: string; accessToken: string; expiresIn: number };
}

export interface BigMessageResult {
  path: BigMessagePath;
  idleRssBytes: number;
  peakRssBytes: number;
  messageBytes: number;
  status: string;
  seconds: number;
  /** SHA-256 of the file as made, for the parent to check against what the emulator received. */
  fileSha256: string;
}

const PIECE = 64 * 1024;

/** The file's bytes, made piece by piece (never whole) from a counter: the same every run. */
function filePieces(total: number): Readable {
  let made = 0;
  return new Readable({
    read() {
      if (made >= total) return this.push(null);
      const piece = Buffer.alloc(Math.min(PIECE, total - made));
      for (let i = 0; i < piece.length; i += 4) piece.writeUInt32LE((made + i) >>> 0, i);
      made += piece.length;
      this.push(piece);
    },
  });
}

async function wholeFile(total: number): Promise<Buffer> {
  return Buffer.concat(await filePieces(total).toArray());
}

async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash("sha256");
  for await (const piece of stream) hash.update(piece as Buffer);
  return hash.digest("hex");
}

export async function runBigMessage(spec: BigMessageSpec): Promise<BigMessageResult> {
  const database = createTestDatabase();
  Object.assign(process.env, {
    ...emulatorEnv(spec.emulator as Emulator, { starttls: false, databaseUrl: database.url }),
    MAILROOM_WORKER: "off",
    SEND_RATE_PER_MINUTE: "0",
  });
  const scope = "openid email profile https://mail.google.com/";
  const { user, account } = await insertConnectedUser(spec.email, spec.tokens, scope);
  const store = await outbox();
  await store.ready();
  const input = messageInputSchema.parse({
    from: account.email,
    to: "bob@example.org",
    subject: `One big message (${spec.path})`,
    text: "A big file attached.",
  });
  // Warm every path once with a small message, so the figure is the big message's alone.
  await enqueueMessage({ userId: user.id, input });
  await drainOutbox();
  const fileSha256 = await sha256Of(filePieces(spec.fileBytes));

  global.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const idleRssBytes = process.memoryUsage.rss();
  let peakRssBytes = idleRssBytes;
  const sampler = setInterval(() => {
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
  }, 5);
  const started = performance.now();
  let id: string;
  if (spec.path === "chunked") {
    const upload = await storeUpload({
      userId: user.id,
      filename: "big.bin",
      contentType: "application/octet-stream",
      body: filePieces(spec.fileBytes),
    });
    ({ id } = await enqueueMessage({ userId: user.id, input, uploadIds: [upload.id] }));
  } else {
    const content = await wholeFile(spec.fileBytes);
    const built = await buildMime({
      from: { name: "", address: account.email },
      to: input.to,
      cc: [],
      bcc: [],
      subject: input.subject,
      text: input.text,
      attachments: [{ filename: "big.bin", contentType: "application/octet-stream", content }],
    });
    const accepted = await store.accept({
      userId: user.id,
      accountId: account.id,
      source: "web",
      messageIdHeader: built.messageId,
      fromAddress: account.email,
      to: ["bob@example.org"],
      cc: [],
      bcc: [],
      subject: input.subject,
      textBody: input.text,
      mime: built.mime,
      queuedDetail: "Accepted into the outbox",
    });
    if (!("id" in accepted)) throw new Error("the in-row message was refused");
    id = accepted.id;
  }
  await drainOutbox();
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
  const message = await store.get(user.id, id);
  await store.close();
  return {
    path: spec.path,
    idleRssBytes,
    peakRssBytes,
    messageBytes: message?.sizeBytes ?? 0,
    status: message?.status ?? "missing",
    seconds,
    fileSha256,
  };
}
