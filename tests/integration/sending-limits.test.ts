import Database from "better-sqlite3";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { db } from "../../lib/db";
import { messageInputSchema } from "../../lib/mail/message-input";
import { closeAllTransports } from "../../lib/mail/transport-pool";
import { enqueueMessage } from "../../lib/queue/enqueue-message";
import { listMessages } from "../../lib/queue/list-messages";
import { waitingReason } from "../../lib/queue/waiting-reason";
import { takeSendSlot } from "../../lib/queue/sending-limits";
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
  Object.assign(process.env, { DAILY_LIMIT: "20", WORKSPACE_DAILY_LIMIT: "1000" });
});

afterAll(async () => {
  closeAllTransports();
  await emu.stop();
});

beforeEach(() => {
  closeAllTransports();
  emu.control.reset();
});

async function enqueueMany(userId: string, from: string, count: number) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const input = messageInputSchema.parse({
      from,
      to: `r${i}@example.org`,
      subject: `Bulk ${i}`,
      text: "hi",
    });
    ids.push((await enqueueMessage({ userId, input })).id);
  }
  return ids;
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
      /^Daily limit of 20 messages reached; next slot at \d\d:\d\d UTC$/,
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
    const pace = { dailyLimit: 100, windowMs: DAY_MS, paceMs: 3_000 };
    const t0 = new Date();
    const at = (ms: number) => new Date(t0.getTime() + ms);
    // What the outbox's database thread runs, here on a connection of the test's own.
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
});
