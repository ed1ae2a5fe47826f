// A send that hangs (Gmail stops answering after DATA) ends at SEND_DEADLINE_SECONDS: the
// account's connections are closed, the message is deferred with its lease released, and it
// goes out on a later attempt.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { db } from "../../lib/db";
import { messageInputSchema } from "../../lib/mail/message-input";
import { closeAllTransports } from "../../lib/mail/transport-pool";
import { enqueueMessage } from "../../lib/outbox/enqueue-message";
import { drainOutbox, fastForwardRetries } from "../support/drain-outbox";
import { seedUser } from "../support/seed-user";
import { configureTestEnvironment } from "../support/test-app-env";
import { testCa } from "../support/test-ca";

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ ca: testCa() });
  configureTestEnvironment(emu);
  process.env.SEND_DEADLINE_SECONDS = "1";
});

afterAll(async () => {
  closeAllTransports();
  await emu.stop();
});

beforeEach(() => {
  closeAllTransports();
  emu.control.reset();
});

describe("the overall deadline of a send", () => {
  it("defers a send Gmail stops answering, within the deadline, and sends it once the fault clears", async () => {
    const { user, account } = await seedUser(emu, "hang@example.com");
    // Every DATA reply is held for longer than the test runs: the server hangs.
    emu.control.stallNext(100, { action: "delay", ms: 60_000 });
    const input = messageInputSchema.parse({
      from: account.email,
      to: "bob@example.org",
      subject: "Into the void",
      text: "hello?",
    });
    const { id } = await enqueueMessage({ userId: user.id, input });

    const started = Date.now();
    await drainOutbox();
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
    expect(elapsed).toBeLessThan(3_000);

    const prisma = await db();
    const deferred = await prisma.message.findUniqueOrThrow({
      where: { id },
      include: { events: { orderBy: { createdAt: "asc" } } },
    });
    expect(deferred).toMatchObject({
      status: "deferred",
      lockedBy: null,
      lockedUntil: null,
      lastError: "No answer from Gmail within 1 s; the connection was closed",
    });
    expect(deferred.nextAttemptAt.getTime()).toBeGreaterThan(started);
    expect(deferred.events.map((e) => e.type)).toEqual(["queued", "attempt", "deferred"]);
    expect(deferred.events[2]!.detail).toMatch(
      /^No answer from Gmail within 1 s; the connection was closed; next attempt at /,
    );

    // The fault is cleared and the backoff has passed: the next attempt goes out.
    emu.control.reset();
    await fastForwardRetries();
    await drainOutbox();
    const sent = await prisma.message.findUniqueOrThrow({ where: { id } });
    expect(sent).toMatchObject({ status: "sent", attempts: 2, lastSmtpCode: 250 });
    expect(emu.control.messages({ email: account.email }).map((m) => m.messageId)).toContain(
      sent.messageIdHeader,
    );
  });
});
