import { beforeEach, describe, expect, it } from "vitest";
import { db } from "../../lib/db";
import { messageInputSchema } from "../../lib/mail/message-input";
import { cancelMessage } from "../../lib/outbox/cancel-message";
import { enqueueMessage } from "../../lib/outbox/enqueue-message";
import { retryMessageNow } from "../../lib/outbox/retry-message-now";
import { drainOutbox } from "../support/drain-outbox";
import { seedUser } from "../support/seed-user";
import { emulatorSuite } from "../support/emulator-suite";

const suite = emulatorSuite();
let n = 0;

beforeEach(() => suite.emulator().control.reset());

async function sender() {
  n++;
  return seedUser(suite.emulator(), `control${n}@example.com`);
}

async function enqueue(userId: string, from: string, scheduledAt?: Date) {
  const input = messageInputSchema.parse({
    from,
    to: "bob@example.org",
    subject: "Later",
    text: "hi",
  });
  return (await enqueueMessage({ userId, input, scheduledAt })).id;
}

async function load(id: string) {
  const prisma = await db();
  return prisma.message.findUniqueOrThrow({
    where: { id },
    include: { events: { orderBy: { createdAt: "asc" } } },
  });
}

describe("send later, cancel and retry now", () => {
  it("holds a scheduled message until its time, then sends it", async () => {
    const { user, account } = await sender();
    const at = new Date(Date.now() + 3_600_000);
    const id = await enqueue(user.id, account.email, at);
    await drainOutbox();
    let m = await load(id);
    expect(m.status).toBe("queued");
    expect(m.scheduledAt?.getTime()).toBe(at.getTime());
    expect(m.events[0]!.detail).toContain(`scheduled for ${at.toISOString()}`);
    expect(suite.emulator().control.messages()).toHaveLength(0);

    const prisma = await db();
    await prisma.message.update({ where: { id }, data: { nextAttemptAt: new Date() } }); // the hour passes
    await drainOutbox();
    m = await load(id);
    expect(m.status).toBe("sent");
  });

  it("cancels a scheduled message, records it, and never sends it", async () => {
    const { user, account } = await sender();
    const id = await enqueue(user.id, account.email, new Date(Date.now() + 60_000));
    await cancelMessage(user.id, id);
    const prisma = await db();
    await prisma.message.update({ where: { id }, data: { nextAttemptAt: new Date(0) } });
    await drainOutbox();
    const m = await load(id);
    expect(m.status).toBe("canceled");
    expect(m.events.at(-1)).toMatchObject({ type: "canceled", status: "canceled" });
    expect(suite.emulator().control.messages()).toHaveLength(0);
  });

  it("cancels a deferred message but not a sent one", async () => {
    const { user, account } = await sender();
    suite.emulator().control.failNext(1, "451 4.3.0 Mail server temporarily rejected message.");
    const deferredId = await enqueue(user.id, account.email);
    await drainOutbox();
    expect((await load(deferredId)).status).toBe("deferred");
    await cancelMessage(user.id, deferredId);
    expect((await load(deferredId)).status).toBe("canceled");

    const sentId = await enqueue(user.id, account.email);
    await drainOutbox();
    await expect(cancelMessage(user.id, sentId)).rejects.toThrow(
      "The message is already sent and can no longer be canceled.",
    );
  });

  it("retries a deferred message now, with an event, and only for its owner", async () => {
    const { user, account } = await sender();
    const other = await sender();
    suite.emulator().control.failNext(1, "421 4.7.0 Try again later, closing connection.");
    const id = await enqueue(user.id, account.email);
    await drainOutbox();
    expect((await load(id)).nextAttemptAt.getTime()).toBeGreaterThan(Date.now());

    await expect(retryMessageNow(other.user.id, id)).rejects.toThrow("Message not found.");
    await expect(cancelMessage(other.user.id, id)).rejects.toThrow("Message not found.");
    await retryMessageNow(user.id, id);
    await drainOutbox();
    const m = await load(id);
    expect(m.status).toBe("sent");
    expect(m.events.map((e) => e.type)).toEqual([
      "queued",
      "attempt",
      "deferred",
      "retry_requested",
      "attempt",
      "sent",
    ]);
  });
});
