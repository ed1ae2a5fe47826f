import Database from "better-sqlite3";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { db } from "../../lib/db";
import { messageInputSchema } from "../../lib/mail/message-input";
import { closeAllTransports } from "../../lib/mail/transport-pool";
import { enqueueMessage } from "../../lib/outbox/enqueue-message";
import { listMessages } from "../../lib/outbox/list-messages";
import { waitingReason } from "../../lib/outbox/waiting-reason";
import { quotaAllowance, takeSendSlot } from "../../lib/outbox/sqlite/quota";
import { drainOutbox } from "../support/drain-outbox";
import { seedUser } from "../support/seed-user";
import { configureTestEnvironment } from "../support/test-app-env";
import { testCa } from "../support/test-ca";

const DAY_MS = 24 * 3_600_000;
let clock = Date.now();
let emu: Emulator;

beforeAll(async () => {
  // The emulator runs on a clock the test moves; Mailroom's side of "time passing" is simulated
  // by moving its recorded send times back by the same amount.
  emu = await startEmulator({ ca: testCa(), now: () => clock });
  configureTestEnvironment(emu);
  Object.assign(process.env, {
    DAILY_LIMIT: "20",
    WORKSPACE_DAILY_LIMIT: "1000",
    WORKSPACE_DAILY_RECIPIENT_LIMIT: "40",
  });
});

afterAll(async () => {
  closeAllTransports();
  await emu.stop();
});

beforeEach(() => {
  closeAllTransports();
  emu.control.reset();
});

async function enqueueMany(userId: string, from: string, count: number, recipients = 1) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(await enqueueTo(userId, from, recipients, `Bulk ${i}`));
  }
  return ids;
}

/** One message to `recipients` addresses, split over To, Cc and Bcc (all three count). */
async function enqueueTo(userId: string, from: string, recipients: number, subject: string) {
  const addresses = Array.from(
    { length: recipients },
    (_, i) => `${subject.replaceAll(" ", "-")}.${i}@example.org`,
  );
  const input = messageInputSchema.parse({
    from,
    to: addresses.filter((_, i) => i % 3 === 0).join(", "),
    cc: addresses.filter((_, i) => i % 3 === 1).join(", "),
    bcc: addresses.filter((_, i) => i % 3 === 2).join(", "),
    subject,
    text: "hi",
  });
  return (await enqueueMessage({ userId, input })).id;
}

/** Makes the account's sends one minute apart, oldest first, so "the oldest" is unambiguous. */
async function spreadSentTimes(accountId: string) {
  const prisma = await db();
  const sent = await prisma.message.findMany({
    where: { accountId, sentAt: { not: null } },
    orderBy: { sentAt: "asc" },
  });
  const start = Date.now() - sent.length * 60_000;
  await prisma.$transaction(
    sent.map((m, i) =>
      prisma.message.update({
        where: { id: m.id },
        data: { sentAt: new Date(start + i * 60_000) },
      }),
    ),
  );
  return sent.map((_, i) => new Date(start + i * 60_000));
}

/** Moves every clock a day forward: the emulator's, and Mailroom's recorded history. */
async function aDayPasses() {
  clock += DAY_MS + 60_000;
  const prisma = await db();
  const sent = await prisma.message.findMany({
    where: { sentAt: { not: null } },
    select: { id: true, sentAt: true },
  });
  await prisma.$transaction([
    ...sent.map((m) =>
      prisma.message.update({
        where: { id: m.id },
        data: { sentAt: new Date(m.sentAt!.getTime() - DAY_MS - 60_000) },
      }),
    ),
    prisma.message.updateMany({
      where: { status: "deferred" },
      data: { nextAttemptAt: new Date() },
    }),
    prisma.account.updateMany({ data: { nextSendAt: new Date() } }),
  ]);
}

async function statusCounts(userId: string) {
  const { messages } = await listMessages(userId);
  const counts: Record<string, number> = {};
  for (const m of messages) counts[m.status] = (counts[m.status] ?? 0) + 1;
  return { counts, messages };
}

describe("sending limits", () => {
  it("waits out Gmail's daily quota (550-5.4.5) without failing, then sends the rest", async () => {
    // A Workspace account, so Mailroom's own limit (1,000) is not what stops it.
    const { user, account } = await seedUser(emu, "team@corp.example");
    const prisma = await db();
    await prisma.account.update({
      where: { id: account.id },
      data: { hostedDomain: "corp.example" },
    });
    emu.control.setQuota(account.email, 20);

    await enqueueMany(user.id, account.email, 30);
    await drainOutbox();

    const { counts, messages } = await statusCounts(user.id);
    expect(counts.sent).toBe(20);
    expect(counts.failed).toBeUndefined();
    const waiting = messages.filter((m) => m.status !== "sent");
    expect(waiting).toHaveLength(10);
    const paused = await prisma.account.findUniqueOrThrow({ where: { id: account.id } });
    expect(paused.pauseReason).toMatch(
      /Gmail's daily sending quota is used up; next slot at \d\d:\d\d UTC/,
    );
    const oldestSent = Math.min(
      ...messages.filter((m) => m.sentAt).map((m) => m.sentAt!.getTime()),
    );
    expect(paused.nextSendAt!.getTime()).toBe(oldestSent + DAY_MS);
    for (const m of waiting) {
      const reason = waitingReason(m, m.account);
      expect(reason?.text).toBe("Waiting for quota, next slot at");
      expect(reason?.until?.getTime()).toBe(oldestSent + DAY_MS);
    }
    const deferred = waiting.find((m) => m.status === "deferred")!;
    expect(deferred.lastSmtpReply).toContain("5.4.5");

    await aDayPasses();
    await drainOutbox();
    expect((await statusCounts(user.id)).counts).toEqual({ sent: 30 });
    expect(emu.control.messages({ email: account.email })).toHaveLength(30);
  });

  it("holds messages beyond Mailroom's own daily limit with the next slot, then sends them", async () => {
    const { user, account } = await seedUser(emu, "solo@gmail.example");
    emu.control.setQuota(account.email, 10_000);

    await enqueueMany(user.id, account.email, 30);
    await drainOutbox();

    const prisma = await db();
    const { counts, messages } = await statusCounts(user.id);
    expect(counts).toEqual({ sent: 20, queued: 10 });
    // Mailroom stopped itself: Gmail never saw the 21st message.
    expect(emu.control.stats(account.email).messages).toBe(20);
    const paused = await prisma.account.findUniqueOrThrow({ where: { id: account.id } });
    expect(paused.pauseReason).toMatch(
      /^Daily limit of 20 recipients reached; next slot at \d\d:\d\d UTC$/,
    );
    const oldestSent = Math.min(
      ...messages.filter((m) => m.sentAt).map((m) => m.sentAt!.getTime()),
    );
    for (const m of messages.filter((x) => x.status === "queued")) {
      expect(waitingReason(m, m.account)).toEqual({
        text: "Waiting for quota, next slot at",
        until: new Date(oldestSent + DAY_MS),
      });
    }
    const events = await prisma.messageEvent.findMany({
      where: { type: "waiting", message: { userId: user.id } },
    });
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events[0]!.detail).toMatch(/^Waiting for quota, next slot at/);

    await aDayPasses();
    await drainOutbox();
    expect((await statusCounts(user.id)).counts).toEqual({ sent: 30 });
  });

  it("paces an account's sends and lets other accounts through meanwhile", async () => {
    const a = await seedUser(emu, "paced-a@example.com");
    const b = await seedUser(emu, "paced-b@example.com");
    const prisma = await db();
    const pace = { messageLimit: null, recipientLimit: 100, windowMs: DAY_MS, paceMs: 3_000 };
    const t0 = new Date();
    const at = (ms: number) => new Date(t0.getTime() + ms);
    // What the SQLite engine's database thread runs, here on a connection of the test's own.
    const conn = new Database(process.env.DATABASE_URL!.slice("file:".length));
    const take = (accountId: string, now: Date) => takeSendSlot(conn, accountId, pace, now);
    try {
      expect(take(a.account.id, t0)).toBe(true);
      expect(take(a.account.id, at(1_000))).toBe(false);
      expect(take(b.account.id, at(1_000))).toBe(true);
      expect(take(a.account.id, at(3_000))).toBe(true);
    } finally {
      conn.close();
    }
    // While A's next slot lies ahead, the worker leaves its messages queued and serves B.
    await prisma.account.update({ where: { id: a.account.id }, data: { nextSendAt: at(60_000) } });
    await prisma.account.update({ where: { id: b.account.id }, data: { nextSendAt: null } });
    await enqueueMany(a.user.id, a.account.email, 2);
    await enqueueMany(b.user.id, b.account.email, 2);
    await drainOutbox();
    expect((await statusCounts(a.user.id)).counts).toEqual({ queued: 2 });
    expect((await statusCounts(b.user.id)).counts).toEqual({ sent: 2 });
  });

  it("counts recipients for consumer Gmail: a message waits until enough recipients age out", async () => {
    const { user, account } = await seedUser(emu, "recipients@gmail.example");
    emu.control.setQuota(account.email, 10_000);
    const prisma = await db();

    // Nine messages of 2 recipients: 18 of the 20 used, by 9 messages.
    await enqueueMany(user.id, account.email, 9, 2);
    await drainOutbox();
    const sentTimes = await spreadSentTimes(account.id);
    const stored = await prisma.message.findMany({ where: { accountId: account.id } });
    expect(stored.map((m) => m.recipientCount)).toEqual(Array(9).fill(2));

    // 5 recipients do not fit in the 2 left: 3 more must age out, i.e. the two oldest sends.
    const big = await enqueueTo(user.id, account.email, 5, "Five");
    const small = await enqueueTo(user.id, account.email, 2, "Two after");
    await drainOutbox();
    expect(emu.control.stats(account.email).messages).toBe(9);
    const waiting = await prisma.message.findMany({
      where: { id: { in: [big, small] } },
      include: { account: true },
    });
    // Oldest first: the 2-recipient message behind it waits too.
    expect(waiting.map((m) => m.status)).toEqual(["queued", "queued"]);
    const slot = new Date(sentTimes[1]!.getTime() + DAY_MS);
    const paused = waiting[0]!.account;
    expect(paused.nextSendAt).toEqual(slot);
    expect(paused.pauseReason).toBe(
      `Daily limit of 20 recipients: the next message has 5, 2 left; next slot at ${slot.toISOString().slice(11, 16)} UTC`,
    );
    expect(waitingReason(waiting[0]!, paused)).toEqual({
      text: "Waiting for quota, next slot at",
      until: slot,
    });

    // The slot comes: the two oldest sends (4 recipients) leave the window; 6 are free.
    await prisma.message.updateMany({
      where: { accountId: account.id, sentAt: { lte: sentTimes[1] } },
      data: { sentAt: new Date(Date.now() - DAY_MS - 60_000) },
    });
    await prisma.account.update({ where: { id: account.id }, data: { nextSendAt: new Date() } });
    await drainOutbox();
    const after = await prisma.message.findMany({ where: { id: { in: [big, small] } } });
    // The 5-recipient message goes; the 2 behind it no longer fit (1 left) and wait.
    expect(Object.fromEntries(after.map((m) => [m.subject, m.status]))).toEqual({
      Five: "sent",
      "Two after": "queued",
    });
    const five = emu.control.messages({ email: account.email }).find((m) => m.subject === "Five");
    expect(five?.envelope.rcptTo).toHaveLength(5);
  });

  it("fails a message with more recipients than the whole limit, and sends the ones behind it", async () => {
    const { user, account } = await seedUser(emu, "toobig@gmail.example");
    emu.control.setQuota(account.email, 10_000);
    const huge = await enqueueTo(user.id, account.email, 21, "Huge");
    const after = await enqueueTo(user.id, account.email, 3, "Behind");
    await drainOutbox();

    const prisma = await db();
    const failed = await prisma.message.findUniqueOrThrow({
      where: { id: huge },
      include: { events: { orderBy: { createdAt: "asc" } } },
    });
    const reason =
      "This message has 21 recipients, more than the account's daily limit of 20, so it can never be sent; split it into smaller messages";
    expect(failed).toMatchObject({ status: "failed", lastError: reason, lockedUntil: null });
    expect(failed.events.map((e) => [e.type, e.detail])).toEqual([
      ["queued", "Accepted into the outbox"],
      ["failed", reason],
    ]);
    expect(await prisma.message.findUniqueOrThrow({ where: { id: after } })).toMatchObject({
      status: "sent",
    });
    expect(emu.control.stats(account.email).messages).toBe(1);
  });

  it("holds a Workspace account to its recipient cap as well as its message limit", async () => {
    const { user, account } = await seedUser(emu, "wide@corp.example");
    emu.control.setQuota(account.email, 10_000);
    const prisma = await db();
    await prisma.account.update({
      where: { id: account.id },
      data: { hostedDomain: "corp.example" },
    });
    // 40 recipients allowed: ten messages of 4 fill it although 1,000 messages would be allowed.
    await enqueueMany(user.id, account.email, 11, 4);
    await drainOutbox();
    expect((await statusCounts(user.id)).counts).toEqual({ sent: 10, queued: 1 });
    const paused = await prisma.account.findUniqueOrThrow({ where: { id: account.id } });
    expect(paused.pauseReason).toMatch(
      /^Daily limit of 40 recipients reached; next slot at \d\d:\d\d UTC$/,
    );

    // And its message limit, on the same log: 10 sent, so a limit of 10 messages is full while
    // 60 recipients would still be free; the slot is when the oldest send leaves the window.
    const sentTimes = await spreadSentTimes(account.id);
    const conn = new Database(process.env.DATABASE_URL!.slice("file:".length));
    try {
      const limits = { messageLimit: 10, recipientLimit: 100, windowMs: DAY_MS, paceMs: 0 };
      const now = new Date();
      expect(quotaAllowance(conn, account.id, limits, 1, now)).toEqual({
        slot: new Date(sentTimes[0]!.getTime() + DAY_MS),
        used: { messages: 10, recipients: 40 },
      });
      expect(quotaAllowance(conn, account.id, { ...limits, messageLimit: 12 }, 4, now)).toEqual({
        messages: 2,
        recipients: 60,
      });
    } finally {
      conn.close();
    }
  });
});
