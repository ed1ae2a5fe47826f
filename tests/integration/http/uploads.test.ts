// Files uploaded from compose: the upload route (signed in, from Mailroom's own origin, a safe
// name, within Gmail's limit once encoded and the user's allowance), and a message that attaches
// them: only the sender's own uploads, streamed into the message's chunks and out to Gmail
// byte-identical, again on a retry.
import { createHash, randomBytes } from "node:crypto";
import { simpleParser } from "mailparser";
import { describe, expect, it, vi } from "vitest";
import { db } from "../../../lib/db";
import { AppError } from "../../../lib/errors/app-error";
import { MAX_ATTACHMENT_BYTES } from "../../../lib/mail/message-limits";
import { messageInputSchema } from "../../../lib/mail/message-input";
import { enqueueMessage } from "../../../lib/outbox/enqueue-message";
import { outbox } from "../../../lib/outbox/open-outbox";
import { drainOutbox, fastForwardRetries } from "../../support/drain-outbox";
import { emulatorSuite } from "../../support/emulator-suite";
import { mockedSessionModule, session } from "../../support/mock-session";
import { seedUser } from "../../support/seed-user";

vi.mock("server-only", () => ({}));
vi.mock("../../../lib/auth/session", () => mockedSessionModule);

const { POST } = await import("../../../app/api/uploads/route");
const { DELETE } = await import("../../../app/api/uploads/[id]/route");
const { GET: downloadRaw } = await import("../../../app/api/messages/[id]/raw/route");

// A 25 MB allowance: one file near Gmail's limit uses most of it.
const suite = emulatorSuite({ USER_MAX_UPLOAD_MB: "25" });
const ORIGIN = "http://localhost:3000";
let n = 0;

async function signedIn() {
  const { user, account } = await seedUser(suite.emulator(), `uploads${++n}@example.com`);
  session.user = { id: user.id, email: user.email, name: null };
  return { user, account };
}

/** The body as a stream with no Content-Length, as a client that does not declare it sends. */
function streamOf(bytes: Buffer, piece = 64 * 1024): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, (at += piece)));
    },
  });
}

function upload(
  body: Buffer | ReadableStream<Uint8Array>,
  options: { filename?: string; origin?: string | null; type?: string } = {},
) {
  const headers = new Headers({ "Content-Type": options.type ?? "application/octet-stream" });
  if (options.origin !== null) headers.set("Origin", options.origin ?? ORIGIN);
  const name = encodeURIComponent(options.filename ?? "data.bin");
  return POST(
    new Request(`${ORIGIN}/api/uploads?filename=${name}`, {
      method: "POST",
      headers,
      body: Buffer.isBuffer(body) ? new Uint8Array(body) : body,
      ...(Buffer.isBuffer(body) ? {} : { duplex: "half" }),
    }),
  );
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** Chunks that belong to no upload and no message: what a refused upload must not leave. */
async function orphanChunks() {
  const prisma = await db();
  const uploads = (await prisma.upload.findMany({ select: { id: true } })).map((u) => u.id);
  const contents = await prisma.messageContent.findMany({ select: { contentId: true } });
  const owners = [...uploads, ...contents.flatMap((c) => c.contentId ?? [])];
  return prisma.contentChunk.count({ where: { ownerId: { notIn: owners } } });
}

async function chunksOf(ownerId: string) {
  return (await db()).contentChunk.count({ where: { ownerId } });
}

describe("the upload route", () => {
  it("refuses a signed-out caller, another site's page and a file name with a path in it", async () => {
    session.user = null;
    expect((await upload(Buffer.from("x"))).status).toBe(401);
    await signedIn();
    expect((await upload(Buffer.from("x"), { origin: "https://evil.example" })).status).toBe(403);
    expect((await upload(Buffer.from("x"), { origin: null })).status).toBe(403);
    const bad = await upload(Buffer.from("x"), { filename: "../etc/passwd" });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
      /characters/,
    );
  });

  it("stores a file in chunks for its owner, who alone can remove it", async () => {
    const owner = await signedIn();
    const bytes = randomBytes(600 * 1024);
    const response = await upload(streamOf(bytes), {
      filename: "report.pdf",
      type: "application/pdf",
    });
    expect(response.status).toBe(201);
    const { id, size } = (await response.json()) as { id: string; size: number };
    expect(size).toBe(bytes.length);
    expect(await chunksOf(id)).toBe(3);
    const store = await outbox();
    expect(await store.uploadsOf(owner.user.id, [id])).toMatchObject([
      { filename: "report.pdf", contentType: "application/pdf", size: bytes.length },
    ]);

    await signedIn();
    const remove = () =>
      DELETE(
        new Request(`${ORIGIN}/api/uploads/${id}`, {
          method: "DELETE",
          headers: { Origin: ORIGIN },
        }),
        {
          params: Promise.resolve({ id }),
        },
      );
    expect((await remove()).status).toBe(204);
    expect(await chunksOf(id)).toBe(3);
    session.user = { id: owner.user.id, email: owner.user.email, name: null };
    expect((await remove()).status).toBe(204);
    expect(await chunksOf(id)).toBe(0);
  });

  it("refuses a file too big for Gmail once encoded, declared or streamed, keeping none of it", async () => {
    const { user } = await signedIn();
    const declared = await POST(
      new Request(`${ORIGIN}/api/uploads?filename=big.bin`, {
        method: "POST",
        headers: { Origin: ORIGIN, "Content-Length": String(MAX_ATTACHMENT_BYTES + 1) },
        body: streamOf(Buffer.alloc(10)),
        duplex: "half",
      } as RequestInit),
    );
    expect(declared.status).toBe(413);
    const streamed = await upload(streamOf(Buffer.alloc(MAX_ATTACHMENT_BYTES + 1)));
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as { error: { message: string } }).error.message).toMatch(
      /once encoded/,
    );
    expect(await (await outbox()).uploadedBytes(user.id)).toBe(0);
    expect(await orphanChunks()).toBe(0);
  });

  it("refuses an upload past the user's allowance for files not yet sent", async () => {
    await signedIn();
    expect((await upload(streamOf(Buffer.alloc(18 * 1024 * 1024)))).status).toBe(201);
    const over = await upload(streamOf(Buffer.alloc(8 * 1024 * 1024)));
    expect(over.status).toBe(413);
    expect(((await over.json()) as { error: { message: string } }).error.message).toMatch(
      /Your uploads waiting to be sent already hold 18 MB of 25 MB/,
    );
  });
});

describe("a message with uploaded files", () => {
  async function uploaded(bytes: Buffer, filename: string) {
    const response = await upload(streamOf(bytes), { filename });
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  }

  it("sends only the sender's own uploads", async () => {
    const { user: other } = await signedIn();
    const theirs = await uploaded(randomBytes(1000), "theirs.bin");
    const { user, account } = await signedIn();
    expect(other.id).not.toBe(user.id);
    const input = messageInputSchema.parse({
      from: account.email,
      to: "bob@example.org",
      subject: "s",
      text: "hi",
    });
    const refused = enqueueMessage({ userId: user.id, input, uploadIds: [theirs] });
    await expect(refused).rejects.toBeInstanceOf(AppError);
    await expect(refused).rejects.toThrow(/no longer available/);
  });

  it("refuses a message its files take past 25 MB, keeping the files and none of its chunks", async () => {
    const { user, account } = await signedIn();
    const file = await uploaded(Buffer.alloc(18 * 1024 * 1024, 7), "large.bin");
    const input = messageInputSchema.parse({
      from: account.email,
      to: "bob@example.org",
      subject: "Too much",
      text: "x".repeat(8 * 1024 * 1024),
    });
    const refused = enqueueMessage({ userId: user.id, input, uploadIds: [file] });
    await expect(refused).rejects.toMatchObject({
      code: "too_large",
      details: { attachments: expect.stringMatching(/larger than Gmail's 25 MB limit/) as unknown },
    });
    expect(await orphanChunks()).toBe(0);
    expect(await (await outbox()).uploadsOf(user.id, [file])).toHaveLength(1);
    await (await outbox()).deleteUploads(user.id, [file]);
  });

  it("reaches Gmail with the files byte-identical, streamed again on a retry", async () => {
    const { user, account } = await signedIn();
    const big = randomBytes(3 * 1024 * 1024 + 7);
    const small = Buffer.from("col1,col2\r\n1,2\r\n");
    const ids = [await uploaded(big, "big.bin"), await uploaded(small, "table.csv")];
    const input = messageInputSchema.parse({
      from: account.email,
      to: "bob@example.org",
      subject: "With files",
      text: "Two files.",
    });
    const { id } = await enqueueMessage({ userId: user.id, input, uploadIds: ids });
    // The message took its own copy: the uploads are gone, the MIME is in chunks.
    const store = await outbox();
    expect(await store.uploadsOf(user.id, ids)).toEqual([]);
    const content = await (
      await db()
    ).messageContent.findUniqueOrThrow({ where: { messageId: id } });
    expect(content.mime.length).toBe(0);
    expect(await chunksOf(content.contentId!)).toBeGreaterThan(10);

    const emulator = suite.emulator();
    emulator.control.failNext(1, "451 4.3.0 Mail server temporarily rejected message.");
    await drainOutbox();
    await fastForwardRetries();
    await drainOutbox();
    const message = await (await db()).message.findUniqueOrThrow({ where: { id } });
    expect(message.status).toBe("sent");
    expect(message.attempts).toBe(2);

    const list = (await (
      await fetch(`${emulator.issuer}/api/messages?email=${encodeURIComponent(account.email)}`)
    ).json()) as { messages: { id: string; subject: string }[] };
    const received = list.messages.find((m) => m.subject === "With files");
    expect(received).toBeDefined();
    const { raw } = (await (
      await fetch(`${emulator.issuer}/api/messages/${received!.id}`)
    ).json()) as { raw: string };
    const parsed = await simpleParser(Buffer.from(raw, "utf8"));
    expect(parsed.attachments.map((a) => [a.filename, sha256(a.content)])).toEqual([
      ["big.bin", sha256(big)],
      ["table.csv", sha256(small)],
    ]);

    // The history's .eml download streams the same MIME from its chunks.
    const download = await downloadRaw(new Request(`${ORIGIN}/api/messages/${id}/raw`), {
      params: Promise.resolve({ id }),
    });
    expect(download.status).toBe(200);
    const eml = Buffer.from(await download.arrayBuffer());
    expect(eml.length).toBe(message.sizeBytes);
    const chunks = await (
      await db()
    ).contentChunk.findMany({
      where: { ownerId: content.contentId! },
      orderBy: { seq: "asc" },
    });
    expect(eml.equals(Buffer.concat(chunks.map((c) => c.data)))).toBe(true);
    const downloaded = await simpleParser(eml);
    expect(downloaded.attachments.map((a) => sha256(a.content))).toEqual([
      sha256(big),
      sha256(small),
    ]);
  });
});
