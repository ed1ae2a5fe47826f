// The outbox's contract, written against the Outbox interface only: every engine runs this suite
// (outboxContract(name, open)), so what the seam promises does not depend on the engine.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import {
  CHUNK_BYTES,
  mimeStream,
  openContent,
  writeContent,
} from "../../../lib/outbox/content-stream";
import { newId } from "../../../lib/outbox/new-id";
import type { ClaimRequest, NewMessage, Outbox } from "../../../lib/outbox/outbox";
import { UNLIMITED } from "../../support/outbox-fixtures";

/**
 * An engine on a fresh database with five users, each with a connected account: the first two
 * for the lifecycle, the others each for one limit test.
 */
export interface ContractFixture {
  outbox: Outbox;
  users: { userId: string; accountId: string; email: string }[];
  /** Deletes a message row as deleting its user or account would (the seam has no such call). */
  deleteMessage(id: string): Promise<void>;
  close(): Promise<void>;
}

const HOUR = 3_600_000;

const bytesOf = async (stream: Readable) => Buffer.concat(await stream.toArray());

export function outboxContract(engine: string, open: () => Promise<ContractFixture>): void {
  describe(`the outbox contract on ${engine}`, () => {
    let fx: ContractFixture;
    let outbox: Outbox;
    let n = 0;

    beforeAll(async () => {
      fx = await open();
      outbox = fx.outbox;
    });
    afterAll(() => fx.close());

    const user = (i = 0) => fx.users[i]!;
    const message = (i = 0, extra: Partial<NewMessage> = {}): NewMessage => {
      const u = user(i);
      n++;
      return {
        userId: u.userId,
        accountId: u.accountId,
        source: "api",
        messageIdHeader: `<contract-${n}@example.test>`,
        fromAddress: u.email,
        to: ["to@example.org"],
        cc: [],
        bcc: [],
        subject: `contract ${n}`,
        textBody: "hello",
        mime: Buffer.from(`Subject: contract ${n}\r\n\r\nhello\r\n`),
        queuedDetail: "Accepted into the outbox",
        ...extra,
      };
    };
    const accept = async (i = 0, extra: Partial<NewMessage> = {}) => {
      const result = await outbox.accept(message(i, extra));
      if (!("id" in result)) throw new Error("refused");
      return result.id;
    };
    const claim = (now: Date, workerId = "w1", max = 100, limits = UNLIMITED) => {
      const request: ClaimRequest = {
        workerId,
        max,
        now,
        lockedUntil: new Date(now.getTime() + 60_000),
        limits,
      };
      return outbox.claim(request);
    };
    /** Claims until `id` is among the claimed (other tests' due messages may come first). */
    const claimOne = async (id: string, now: Date, workerId = "w1") => {
      const claimed = await claim(now, workerId);
      const mine = claimed.find((m) => m.id === id);
      // The others go back as if their worker had died, so later tests can claim them again.
      return mine;
    };
    /**
     * Leases, for two days, everything due by `at` (earlier tests' messages, and leases of
     * theirs that ran out): what a test claims after this is its own.
     */
    const parkEverythingDue = (at: Date) =>
      outbox.claim({
        workerId: "parked",
        max: 100_000,
        now: at,
        lockedUntil: new Date(at.getTime() + 48 * HOUR),
        limits: UNLIMITED,
      });
    const timeline = async (id: string, i = 0) => {
      const detail = await outbox.get(user(i).userId, id);
      return { status: detail?.status, events: detail?.events.map((e) => e.type) ?? [] };
    };

    it("accepts a message with its queued event and answers its sender", async () => {
      await expect(outbox.senderOf(user().userId)).resolves.toMatchObject({
        id: user().accountId,
        email: user().email,
      });
      await expect(outbox.senderOf("nobody")).resolves.toBeNull();
      const id = await accept();
      expect(await timeline(id)).toEqual({ status: "queued", events: ["queued"] });
      // Another user cannot read it.
      expect(await outbox.get(user(1).userId, id)).toBeNull();
    });

    it("keeps the display names given with the addresses, and none when there were none", async () => {
      const named = await accept(0, {
        to: ["bob@example.org"],
        displayNames: { "bob@example.org": "Bob Builder", [user().email]: "Team" },
      });
      const bare = await accept(0);
      expect((await outbox.get(user().userId, named))?.displayNames).toEqual({
        "bob@example.org": "Bob Builder",
        [user().email]: "Team",
      });
      expect((await outbox.get(user().userId, bare))?.displayNames).toBeNull();
    });

    it("gives the owner the MIME exactly as accepted, and nobody else", async () => {
      const mime = Buffer.from("Subject: raw\r\nX-Bytes: \u00e9\r\n\r\nhello\r\n", "latin1");
      const id = await accept(0, { mime });
      const raw = await outbox.raw(user().userId, id);
      expect(raw && (await bytesOf(raw)).equals(mime)).toBe(true);
      expect(await outbox.raw(user(1).userId, id)).toBeNull();
      expect(await outbox.raw(user().userId, "missing")).toBeNull();
    });

    it("claims with a lease and the MIME, then records a 250 with its event", async () => {
      const id = await accept();
      const claimed = await claimOne(id, new Date());
      expect(claimed).toMatchObject({ id, attempts: 1, lockedBy: "w1" });
      // Its Message-ID, which the SMTP transport reports as sent.
      expect(claimed?.messageIdHeader).toBe(`<contract-${n}@example.test>`);
      // How the account sends, as of the claim: the default way, no app password.
      expect(claimed?.account.sendVersion).toBe("smtp_oauth:0");
      // A small MIME comes with the claim itself, no chunks to read.
      expect(Buffer.isBuffer(claimed?.mime) && claimed.mime.toString()).toContain(
        "Subject: contract",
      );
      expect(await timeline(id)).toEqual({ status: "sending", events: ["queued", "attempt"] });
      // Leased: no other worker gets it while the lease lives.
      expect((await claim(new Date(), "w2")).map((m) => m.id)).not.toContain(id);
      await outbox.record({
        kind: "sent",
        messageId: id,
        reply: "250 2.0.0 OK",
        code: 250,
        rejected: [{ recipient: "x@example.org", response: "550 5.1.1 no such user" }],
        via: "SMTP with an app password",
        at: new Date(),
      });
      const detail = await outbox.get(user().userId, id);
      expect(detail).toMatchObject({ status: "sent", lastSmtpCode: 250, lockedBy: null });
      expect(detail?.events.map((e) => e.type)).toEqual([
        "queued",
        "attempt",
        "sent",
        "recipient_rejected",
      ]);
      // The timeline says which way sent it.
      expect(detail?.events.find((e) => e.type === "sent")?.detail).toBe(
        "Sent with SMTP with an app password",
      );
    });

    it("defers with a next attempt, and claims again only when it is due", async () => {
      const id = await accept();
      const now = new Date();
      await claimOne(id, now);
      const nextAttemptAt = new Date(now.getTime() + HOUR);
      await outbox.record({
        kind: "deferred",
        messageId: id,
        nextAttemptAt,
        detail: "try later",
        smtpCode: 421,
        smtpReply: "421 4.7.0 Try again later",
        lastError: "Gmail is busy",
      });
      expect(await outbox.get(user().userId, id)).toMatchObject({
        status: "deferred",
        lastSmtpCode: 421,
        lastError: "Gmail is busy",
        lockedBy: null,
      });
      expect((await claim(now)).map((m) => m.id)).not.toContain(id);
      const later = await claimOne(id, new Date(nextAttemptAt.getTime() + 1));
      expect(later).toMatchObject({ id, attempts: 2 });
    });

    it("fails with Gmail's reply, and a failed message is never claimed", async () => {
      const id = await accept();
      await claimOne(id, new Date());
      await outbox.record({
        kind: "failed",
        messageId: id,
        detail: "Gmail refused the message.",
        smtpCode: 552,
        smtpReply: "552 5.3.4 Message too big",
      });
      expect(await timeline(id)).toEqual({
        status: "failed",
        events: ["queued", "attempt", "failed"],
      });
      expect((await claim(new Date(Date.now() + 48 * HOUR))).map((m) => m.id)).not.toContain(id);
    });

    it("puts a message back in the queue when its account needs reconnecting", async () => {
      const id = await accept();
      await claimOne(id, new Date());
      await outbox.record({ kind: "paused", messageId: id, detail: "reconnect the account" });
      expect(await timeline(id)).toEqual({
        status: "queued",
        events: ["queued", "attempt", "waiting"],
      });
      expect(await claimOne(id, new Date(Date.now() + 1))).toMatchObject({ id, attempts: 2 });
    });

    it("waits for Gmail's quota: the message is deferred and its account pauses until the slot", async () => {
      const id = await accept(1);
      await claimOne(id, new Date());
      const { resumeAt } = await outbox.record({
        kind: "quota",
        messageId: id,
        accountId: user(1).accountId,
        windowMs: 24 * HOUR,
        smtpCode: 550,
        smtpReply: "550 5.4.5 Daily user sending limit exceeded",
      });
      expect(resumeAt).toBeInstanceOf(Date);
      expect(resumeAt!.getTime()).toBeGreaterThan(Date.now());
      expect(await outbox.get(user(1).userId, id)).toMatchObject({
        status: "deferred",
        nextAttemptAt: resumeAt,
        account: { nextSendAt: resumeAt },
      });
      // Another message of the paused account waits too, until the slot.
      const other = await accept(1);
      expect((await claim(new Date())).map((m) => m.id)).not.toContain(other);
      const after = await claim(new Date(resumeAt!.getTime() + 1));
      expect(after.map((m) => m.id)).toEqual(expect.arrayContaining([id, other]));
    });

    it("renews a lease only for the worker that holds it", async () => {
      const id = await accept();
      const now = new Date();
      await claimOne(id, now);
      const until = new Date(now.getTime() + 10 * 60_000);
      await expect(outbox.renew({ messageId: id, workerId: "w2", until })).resolves.toBe(false);
      await expect(outbox.renew({ messageId: id, workerId: "w1", until })).resolves.toBe(true);
      // Past the first lease but within the renewed one: still held.
      const afterFirstLease = new Date(now.getTime() + 2 * 60_000);
      expect((await claim(afterFirstLease, "w2")).map((m) => m.id)).not.toContain(id);
    });

    it("lets another worker claim a message whose lease expired, and requeues expired leases", async () => {
      const stranded = await accept();
      const now = new Date();
      await claimOne(stranded, now, "dead-worker");
      const expired = new Date(now.getTime() + 61_000);
      expect(await claimOne(stranded, expired, "w2")).toMatchObject({ attempts: 2 });

      const requeued = await accept();
      const claimedAt = new Date();
      expect(await claimOne(requeued, claimedAt, "dead-worker")).toMatchObject({ attempts: 1 });
      expect(await outbox.requeueExpired(claimedAt)).toBe(0);
      const afterLease = new Date(claimedAt.getTime() + 5 * 60_000);
      expect(await outbox.requeueExpired(afterLease)).toBeGreaterThan(0);
      expect(await timeline(requeued)).toEqual({
        status: "queued",
        events: ["queued", "attempt", "recovered"],
      });
    });

    it("cancels only a message that has not been claimed, and only for its owner", async () => {
      const queued = await accept();
      await expect(outbox.cancel(user(1).userId, queued)).resolves.toEqual({
        done: false,
        missing: true,
      });
      await expect(outbox.cancel(user().userId, queued)).resolves.toEqual({ done: true });
      expect(await timeline(queued)).toEqual({
        status: "canceled",
        events: ["queued", "canceled"],
      });
      expect((await claim(new Date())).map((m) => m.id)).not.toContain(queued);
      await expect(outbox.cancel(user().userId, queued)).resolves.toEqual({
        done: false,
        status: "canceled",
      });

      // A worker that claimed first wins the race.
      const claimed = await accept();
      await claimOne(claimed, new Date());
      await expect(outbox.cancel(user().userId, claimed)).resolves.toEqual({
        done: false,
        status: "sending",
      });
    });

    it("holds a message until its first attempt time (undo send), not as a scheduled one", async () => {
      const now = new Date();
      const firstAttemptAt = new Date(now.getTime() + 30_000);
      const held = await accept(0, { firstAttemptAt });
      const detail = await outbox.get(user().userId, held);
      expect(detail).toMatchObject({ status: "queued", scheduledAt: null });
      expect(detail?.nextAttemptAt.getTime()).toBe(firstAttemptAt.getTime());
      // Inside the window no worker takes it, and its sender can still cancel it.
      expect((await claim(new Date(now.getTime() + 29_000))).map((m) => m.id)).not.toContain(held);
      const undone = await accept(0, { firstAttemptAt });
      expect((await claim(now)).map((m) => m.id)).not.toContain(undone);
      await expect(outbox.cancel(user().userId, undone)).resolves.toEqual({ done: true });
      // Once the window has passed it goes like any other message.
      expect(await claimOne(held, new Date(firstAttemptAt.getTime() + 1))).toMatchObject({
        id: held,
        attempts: 1,
      });
      expect((await claim(new Date(firstAttemptAt.getTime() + 1))).map((m) => m.id)).not.toContain(
        undone,
      );
    });

    it("cancel and claim racing on one message: exactly one wins", async () => {
      for (let round = 0; round < 5; round++) {
        const id = await accept();
        const [claimed, canceled] = await Promise.all([
          claim(new Date(), `racer-${round}`),
          outbox.cancel(user().userId, id),
        ]);
        const won = claimed.some((m) => m.id === id);
        expect(won).toBe(!canceled.done);
        expect((await timeline(id)).status).toBe(won ? "sending" : "canceled");
      }
    });

    it("retries a deferred message now, only for its owner, and refuses other statuses", async () => {
      const id = await accept();
      await claimOne(id, new Date());
      const nextAttemptAt = new Date(Date.now() + HOUR);
      await outbox.record({ kind: "deferred", messageId: id, nextAttemptAt, detail: "later" });
      await expect(outbox.retryNow(user(1).userId, id)).resolves.toEqual({
        done: false,
        missing: true,
      });
      await expect(outbox.retryNow(user().userId, id)).resolves.toEqual({ done: true });
      expect(await claimOne(id, new Date(Date.now() + 1))).toMatchObject({ id });
      await expect(outbox.retryNow(user().userId, id)).resolves.toEqual({
        done: false,
        status: "sending",
      });
    });

    it("refuses accepts beyond the backlog cap, counted in the accept's transaction", async () => {
      // User 1's waiting messages so far, then a cap a few above it, raced by concurrent accepts.
      const page = await outbox.list(user(1).userId);
      const waiting = page.messages.filter((m) =>
        ["queued", "deferred", "sending"].includes(m.status),
      ).length;
      const cap = waiting + 4;
      const results = await Promise.all(
        Array.from({ length: 12 }, () => outbox.accept(message(1, { maxWaiting: cap }))),
      );
      expect(results.filter((r) => "id" in r)).toHaveLength(4);
      expect(results.filter((r) => "backlogFull" in r)).toEqual(
        Array.from({ length: 8 }, () => ({ backlogFull: { waiting: cap } })),
      );
    });

    it("lists a user's messages newest first, only theirs", async () => {
      const first = await accept(1);
      const second = await accept(1);
      const page = await outbox.list(user(1).userId);
      const ids = page.messages.map((m) => m.id);
      expect(ids.indexOf(second)).toBeLessThan(ids.indexOf(first));
      expect(ids.indexOf(first)).toBeGreaterThanOrEqual(0);
      const others = await outbox.list(user().userId);
      expect(others.messages.map((m) => m.id)).not.toContain(first);
      expect((await outbox.list(user().userId, { cursor: first })).cursorIgnored).toBe(true);
    });

    it("says something is due when a message is accepted or retried", async () => {
      let woken = 0;
      const stop = outbox.onDue(() => woken++);
      try {
        await accept();
        expect(woken).toBeGreaterThan(0);
        const before = woken;
        outbox.signalDue();
        expect(woken).toBe(before + 1);
      } finally {
        stop();
      }
    });

    const ofAccount = <M extends { accountId: string }>(claimed: M[], i: number) =>
      claimed.filter((m) => m.accountId === user(i).accountId);

    it("holds a daily limit of N across parallel claims: N claimed, never N + 1", async () => {
      // Six claims of 4 share the first 24 due messages: this test's 12 must be among them.
      await parkEverythingDue(new Date(Date.now() + 11 * HOUR));
      const ids = [];
      for (let k = 0; k < 12; k++) ids.push(await accept(2));
      const limits = { ...UNLIMITED, dailyLimit: 5 };
      const now = new Date(Date.now() + 10 * HOUR);
      const claims = await Promise.all(
        Array.from({ length: 6 }, (_, w) => claim(now, `limit-${w}`, 4, limits)),
      );
      const claimed = ofAccount(claims.flat(), 2);
      expect(claimed).toHaveLength(5);
      expect(new Set(claimed.map((m) => m.id)).size).toBe(5);
      for (const m of claimed) {
        await outbox.record({
          kind: "sent",
          messageId: m.id,
          reply: "250 OK",
          code: 250,
          rejected: [],
          at: now,
        });
      }
      // The window is full: nothing more, and the account waits for its oldest send to age out.
      const later = new Date(now.getTime() + 1_000);
      expect(ofAccount(await claim(later, "limit-x", 100, limits), 2)).toEqual([]);
      const waiting = ids.find((id) => !claimed.some((m) => m.id === id))!;
      const detail = await outbox.get(user(2).userId, waiting);
      expect(detail?.account.nextSendAt?.getTime()).toBe(now.getTime() + 24 * HOUR);
      expect(detail?.account.pauseReason).toMatch(/Daily limit of 5 recipients reached/);
      // Once the window frees, sending resumes.
      const nextDay = new Date(now.getTime() + 24 * HOUR + 1_000);
      expect(ofAccount(await claim(nextDay, "limit-y", 100, limits), 2)).toHaveLength(5);
    });

    it("paces an account across parallel claims: one send per slot", async () => {
      await parkEverythingDue(new Date(Date.now() + 11 * HOUR));
      for (let k = 0; k < 4; k++) await accept(3);
      const limits = { ...UNLIMITED, paceMs: 60_000 };
      const now = new Date(Date.now() + 10 * HOUR);
      const claims = await Promise.all(
        Array.from({ length: 4 }, (_, w) => claim(now, `pace-${w}`, 4, limits)),
      );
      expect(ofAccount(claims.flat(), 3)).toHaveLength(1);
      expect(
        ofAccount(await claim(new Date(now.getTime() + 1_000), "pace-x", 4, limits), 3),
      ).toEqual([]);
      const nextSlot = new Date(now.getTime() + 60_000);
      expect(ofAccount(await claim(nextSlot, "pace-y", 4, limits), 3)).toHaveLength(1);
    });

    it("fails a message with more recipients than the whole daily limit, and sends the rest", async () => {
      const big = await accept(4, { to: ["a@example.org", "b@example.org", "c@example.org"] });
      const small = await accept(4);
      const limits = { ...UNLIMITED, dailyLimit: 2 };
      const claimed = ofAccount(
        await claim(new Date(Date.now() + 10 * HOUR), "w1", 100, limits),
        4,
      );
      expect(claimed.map((m) => m.id)).toEqual([small]);
      const failed = await outbox.get(user(4).userId, big);
      expect(failed?.status).toBe("failed");
      expect(failed?.lastError).toMatch(/3 recipients, more than the account's daily limit of 2/);
      expect(failed?.events.map((e) => e.type)).toEqual(["queued", "failed"]);
    });

    describe("big content, kept in chunks outside the message row", () => {
      /** A MIME of a few chunks and a bit, with bytes of every value. */
      const bigMime = () =>
        Buffer.concat([
          Buffer.from("Subject: big\r\nContent-Type: application/octet-stream\r\n\r\n"),
          randomBytes(3 * CHUNK_BYTES + 12_345),
        ]);
      const acceptChunked = async (mime: Buffer) => {
        const contentId = newId();
        const size = await writeContent(outbox, contentId, [mime], mime.length);
        expect(size).toBe(mime.length);
        const id = await accept(0, { mime: { contentId, size } });
        return { id, contentId };
      };

      it("accepts a chunked message, claims it, and streams the exact bytes on every attempt", async () => {
        const mime = bigMime();
        // Earlier tests' due messages out of the way first: what is claimed next is this one.
        await parkEverythingDue(new Date());
        const { id, contentId } = await acceptChunked(mime);
        expect((await outbox.get(user().userId, id))?.sizeBytes).toBe(mime.length);
        const now = new Date(Date.now() + 1000);
        const first = await claimOne(id, new Date(now.getTime() + 1));
        expect(first?.mime).toEqual({ contentId, size: mime.length });
        expect((await bytesOf(mimeStream(outbox, first!.mime))).equals(mime)).toBe(true);
        const nextAttemptAt = new Date(now.getTime() + 2);
        await outbox.record({ kind: "deferred", messageId: id, nextAttemptAt, detail: "retry" });
        const second = await claimOne(id, new Date(now.getTime() + 3));
        expect(second).toMatchObject({ id, attempts: 2 });
        expect((await bytesOf(mimeStream(outbox, second!.mime))).equals(mime)).toBe(true);
      });

      it("gives the owner a chunked message's MIME as a stream, and nobody else", async () => {
        const mime = bigMime();
        const { id } = await acceptChunked(mime);
        const raw = await outbox.raw(user().userId, id);
        expect(raw && (await bytesOf(raw)).equals(mime)).toBe(true);
        expect(await outbox.raw(user(1).userId, id)).toBeNull();
      });

      it("keeps a canceled chunked message readable, like any canceled message", async () => {
        const mime = bigMime();
        const { id } = await acceptChunked(mime);
        expect(await outbox.cancel(user().userId, id)).toEqual({ done: true });
        await outbox.sweepContent(new Date(Date.now() - 24 * HOUR), new Date(Date.now() + HOUR));
        const raw = await outbox.raw(user().userId, id);
        expect(raw && (await bytesOf(raw)).equals(mime)).toBe(true);
      });

      it("keeps uploads for their owner only, and deletes them with their chunks", async () => {
        const bytes = randomBytes(CHUNK_BYTES + 10);
        const uploadId = newId();
        await writeContent(outbox, uploadId, [bytes], bytes.length);
        const upload = {
          id: uploadId,
          userId: user(1).userId,
          filename: "report.pdf",
          contentType: "application/pdf",
          size: bytes.length,
          createdAt: new Date(),
        };
        await outbox.addUpload(upload);
        expect(await outbox.uploadsOf(user(1).userId, [uploadId, "missing"])).toEqual([upload]);
        expect(await outbox.uploadsOf(user().userId, [uploadId])).toEqual([]);
        expect(await outbox.uploadedBytes(user(1).userId)).toBeGreaterThanOrEqual(bytes.length);
        // Someone else's delete does nothing.
        await outbox.deleteUploads(user().userId, [uploadId]);
        expect(await outbox.uploadsOf(user(1).userId, [uploadId])).toHaveLength(1);
        await outbox.deleteUploads(user(1).userId, [uploadId]);
        expect(await outbox.uploadsOf(user(1).userId, [uploadId])).toEqual([]);
        expect(await outbox.readChunk(uploadId, 0)).toBeNull();
      });

      it("stores and streams empty content (an empty file) as empty", async () => {
        const ownerId = newId();
        expect(await writeContent(outbox, ownerId, [], 10)).toBe(0);
        expect((await bytesOf(openContent(outbox, ownerId))).length).toBe(0);
        await outbox.deleteContent(ownerId);
      });

      it("refuses content past its limit and leaves none of it behind", async () => {
        const ownerId = newId();
        await expect(
          writeContent(outbox, ownerId, [randomBytes(CHUNK_BYTES), randomBytes(10)], CHUNK_BYTES),
        ).rejects.toThrow(/larger than/);
        expect(await outbox.readChunk(ownerId, 0)).toBeNull();
      });

      it("sweeps expired uploads, chunks that belong to nothing and those of deleted messages", async () => {
        const now = Date.now();
        const stale = newId();
        await writeContent(outbox, stale, [randomBytes(100)], 100);
        await outbox.addUpload({
          id: stale,
          userId: user().userId,
          filename: "old.txt",
          contentType: "text/plain",
          size: 100,
          createdAt: new Date(now - 25 * HOUR),
        });
        const fresh = newId();
        await writeContent(outbox, fresh, [randomBytes(100)], 100);
        await outbox.addUpload({
          id: fresh,
          userId: user().userId,
          filename: "new.txt",
          contentType: "text/plain",
          size: 100,
          createdAt: new Date(now),
        });
        // A writer that died before its owner row was written.
        const orphan = newId();
        await writeContent(outbox, orphan, [randomBytes(100)], 100);
        const { id, contentId } = await acceptChunked(bigMime());

        const uploadsBefore = new Date(now - 24 * HOUR);
        // Orphans written "an hour ago" are swept; one still being written would be younger.
        await outbox.sweepContent(uploadsBefore, new Date(now - HOUR));
        expect(await outbox.readChunk(orphan, 0)).not.toBeNull();
        expect(await outbox.sweepContent(uploadsBefore, new Date(now + HOUR))).toBeGreaterThan(0);
        expect(await outbox.readChunk(orphan, 0)).toBeNull();
        expect(await outbox.readChunk(stale, 0)).toBeNull();
        expect(await outbox.uploadsOf(user().userId, [stale, fresh])).toHaveLength(1);
        expect(await outbox.readChunk(fresh, 0)).not.toBeNull();
        expect(await outbox.readChunk(contentId, 0)).not.toBeNull();

        await fx.deleteMessage(id);
        await outbox.sweepContent(uploadsBefore, new Date(now + HOUR));
        expect(await outbox.readChunk(contentId, 0)).toBeNull();
        await outbox.deleteUploads(user().userId, [fresh]);
      });
    });
  });
}
