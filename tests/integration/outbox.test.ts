import { readFileSync, existsSync } from "node:fs";
import tls from "node:tls";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { saveGoogleTokens } from "../../lib/auth/save-google-tokens";
import { accountTokenPlace } from "../../lib/crypto/sealed-columns";
import { tokenSealer } from "../../lib/crypto/sealer";
import { db } from "../../lib/db";
import { closeAllTransports, transportFor } from "../../lib/mail/transport-pool";
import { messageInputSchema } from "../../lib/mail/message-input";
import { enqueueMessage } from "../../lib/outbox/enqueue-message";
import { getMessage, listMessages } from "../../lib/outbox/list-messages";
import { startWorker } from "../../lib/sending/worker";
import { drainOutbox, fastForwardRetries } from "../support/drain-outbox";
import { seedUser } from "../support/seed-user";
import { TEST_CLIENT, configureTestEnvironment } from "../support/test-app-env";
import { testCa } from "../support/test-ca";

let emu: Emulator;
let databaseFile: string;

beforeAll(async () => {
  emu = await startEmulator({ ca: testCa(), maxMessageBytes: 64 * 1024 });
  ({ databaseFile } = configureTestEnvironment(emu));
});

afterAll(async () => {
  closeAllTransports();
  await emu.stop();
});

beforeEach(() => {
  closeAllTransports();
  emu.control.reset();
});

let counter = 0;
async function newSender() {
  counter++;
  return seedUser(emu, `sender${counter}@example.com`);
}

async function send(
  userId: string,
  from: string,
  overrides: Partial<{ to: string; subject: string; text: string }> = {},
) {
  const input = messageInputSchema.parse({
    from,
    to: overrides.to ?? "Bob <bob@example.org>",
    subject: overrides.subject ?? "Quarterly report",
    text: overrides.text ?? "Numbers attached in spirit.",
  });
  return enqueueMessage({ userId, input });
}

async function message(id: string) {
  const prisma = await db();
  return prisma.message.findUniqueOrThrow({
    where: { id },
    include: { events: { orderBy: { createdAt: "asc" } } },
  });
}

describe("outbox delivery against the emulator", () => {
  it("sends a message with its stable Message-ID and records Gmail's 250", async () => {
    const { user, account } = await newSender();
    const { id } = await send(user.id, account.email);
    expect(await drainOutbox()).toBe(1);

    const m = await message(id);
    expect(m.status).toBe("sent");
    expect(m.lastSmtpCode).toBe(250);
    expect(m.lastSmtpReply).toMatch(/^250 2\.0\.0 OK/);
    expect(m.events.map((e) => e.type)).toEqual(["queued", "attempt", "sent"]);

    const inbox = emu.control.messages({ email: account.email });
    expect(inbox).toHaveLength(1);
    expect(inbox[0]!.messageId).toBe(m.messageIdHeader);
    expect(inbox[0]!.envelope.rcptTo).toEqual(["bob@example.org"]);
    expect(inbox[0]!.subject).toBe("Quarterly report");
  });

  it("defers on 421 and sends on the next attempt", async () => {
    const { user, account } = await newSender();
    emu.control.failNext(1, "421 4.7.0 Try again later, closing connection.");
    const { id } = await send(user.id, account.email);
    await drainOutbox();

    let m = await message(id);
    expect(m.status).toBe("deferred");
    expect(m.lastSmtpCode).toBe(421);
    expect(m.lastSmtpReply).toContain("4.7.0 Try again later");
    expect(m.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    expect(m.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now() + 60_000);

    await fastForwardRetries();
    await drainOutbox();
    m = await message(id);
    expect(m.status).toBe("sent");
    expect(m.lastSmtpCode).toBe(250);
    expect(m.attempts).toBe(2);
    expect(m.events.map((e) => e.type)).toEqual([
      "queued",
      "attempt",
      "deferred",
      "attempt",
      "sent",
    ]);
    expect(m.events[2]!.smtpReply).toContain("421");
    expect(emu.control.messages({ email: account.email })).toHaveLength(1);
  });

  it("recovers from 535-5.7.8 with exactly one token refresh", async () => {
    const { user, account } = await newSender();
    // Mailroom still believes its cached access token is valid; Gmail no longer accepts it.
    emu.control.expireAccessTokens(account.email);
    const { id } = await send(user.id, account.email);
    await drainOutbox();

    const m = await message(id);
    expect(m.status).toBe("sent");
    const stats = emu.control.stats(account.email);
    expect(stats.refreshes).toBe(1);
    expect(stats.authFailures).toBe(1);
    expect(stats.messages).toBe(1);
  });

  it("fails at once on 552-5.3.4 and shows Gmail's reply", async () => {
    const { user, account } = await newSender();
    const { id } = await send(user.id, account.email, { text: "x".repeat(80 * 1024) });
    await drainOutbox();
    const m = await message(id);
    expect(m.status).toBe("failed");
    expect(m.lastSmtpCode).toBe(552);
    expect(m.lastSmtpReply).toContain("5.3.4");
    expect(m.events.at(-1)!.detail).toMatch(/Shrink the message/);
    expect(emu.control.messages({ email: account.email })).toHaveLength(0);
  });

  it("pauses a revoked account without losing its messages, and resumes after reconnecting", async () => {
    const { user, account } = await newSender();
    emu.control.revoke(account.email);
    emu.control.expireAccessTokens(account.email);
    const { id } = await send(user.id, account.email);
    await drainOutbox();

    const prisma = await db();
    let m = await message(id);
    expect(m.status).toBe("queued");
    expect(m.events.at(-1)!.type).toBe("waiting");
    const paused = await prisma.account.findUniqueOrThrow({ where: { id: account.id } });
    expect(paused.reconnectReason).toBe("Token has been expired or revoked.");
    // While paused the account's messages are not even claimed.
    expect(await drainOutbox()).toBe(0);

    const fresh = emu.control.issueTokens(account.email, {
      clientId: TEST_CLIENT.clientId,
      scope: "openid email https://mail.google.com/",
    });
    await saveGoogleTokens(
      prisma,
      {
        provider: "google",
        providerAccountId: account.providerAccountId,
        access_token: fresh.accessToken,
        refresh_token: fresh.refreshToken,
        expires_at: Math.floor(Date.now() / 1000) + fresh.expiresIn,
        scope: "openid email https://mail.google.com/",
      },
      { email: account.email },
    );
    await drainOutbox();
    m = await message(id);
    expect(m.status).toBe("sent");
    expect(
      (await prisma.account.findUniqueOrThrow({ where: { id: account.id } })).reconnectReason,
    ).toBeNull();
  });

  it("connects every account to Gmail with one shared TLS context, still verified", async () => {
    const first = await newSender();
    await send(first.user.id, first.account.email);
    expect(await drainOutbox()).toBe(1);

    // Node builds a context for each connection that brings none of its own.
    const built = vi.spyOn(tls, "createSecureContext");
    try {
      const others = [await newSender(), await newSender(), await newSender()];
      for (const { user, account } of others) await send(user.id, account.email);
      expect(await drainOutbox()).toBe(3);
      expect(emu.control.stats().total.smtpConnections).toBeGreaterThanOrEqual(4);
      expect(built).not.toHaveBeenCalled();
    } finally {
      built.mockRestore();
    }

    // The shared context still verifies: the pool's own TLS options, pointed at a server whose
    // CA nobody trusts, refuse it.
    const stranger = await startEmulator();
    try {
      const pooled = transportFor(first.account.id, first.account.email, {
        version: "smtp_oauth:0",
      });
      const { tls: tlsOptions } = (
        pooled.transporter as unknown as { options: { tls: tls.ConnectionOptions } }
      ).options;
      const direct = nodemailer.createTransport({
        host: "localhost",
        port: stranger.smtp.securePort,
        secure: true,
        tls: tlsOptions,
        auth: { type: "OAuth2", user: "ada@example.com", accessToken: "unused" },
      });
      const mail = { from: "ada@example.com", to: "bob@example.org", subject: "TLS", text: "x" };
      const refusal = await direct.sendMail(mail).then(
        () => null,
        (error: Error & { code?: string }) => error,
      );
      direct.close();
      expect(refusal?.code).toBe("ESOCKET");
      expect(refusal?.message).toMatch(
        /self[- ]signed certificate in certificate chain|unable to verify/i,
      );
    } finally {
      await stranger.stop();
    }
  });

  it("the running worker sends what is enqueued without being asked", async () => {
    const { user, account } = await newSender();
    // The worker would not look again for ten minutes: only the enqueue's wake-up can start it.
    const worker = await startWorker({ pollMs: 600_000, log: () => undefined });
    try {
      const { id } = await send(user.id, account.email);
      await expect.poll(async () => (await message(id)).status, { timeout: 10_000 }).toBe("sent");
    } finally {
      await worker.stop();
    }
  });
});

describe("ownership and storage", () => {
  it("scopes messages to their owner", async () => {
    const a = await newSender();
    const b = await newSender();
    const { id } = await send(a.user.id, a.account.email, { subject: "Private to A" });
    expect(await getMessage(a.user.id, id)).not.toBeNull();
    expect(await getMessage(b.user.id, id)).toBeNull();
    const { messages } = await listMessages(b.user.id);
    expect(messages.map((m) => m.id)).not.toContain(id);
  });

  it("refuses to send from an address that is not the connected account's", async () => {
    const { user } = await newSender();
    await expect(send(user.id, "someone-else@example.com")).rejects.toThrow(
      /connected Google account/,
    );
  });

  it("keeps no token in plaintext in the database files", async () => {
    const { user, account, tokens } = await newSender();
    emu.control.expireAccessTokens(account.email);
    await send(user.id, account.email);
    await drainOutbox(); // forces a refresh, so a new access token is stored too
    const prisma = await db();
    const stored = await prisma.account.findUniqueOrThrow({ where: { id: account.id } });
    expect(stored.refreshTokenSealed).toMatch(/^v2\./);
    expect(stored.accessTokenSealed).toMatch(/^v2\./);
    await prisma.$executeRawUnsafe("PRAGMA wal_checkpoint(FULL)");
    const files = [databaseFile, `${databaseFile}-wal`].filter((f) => existsSync(f));
    const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.includes(tokens.refreshToken)).toBe(false);
    expect(bytes.includes(tokens.accessToken)).toBe(false);
    const refreshedAccessToken = tokenSealer().open(
      stored.accessTokenSealed!,
      accountTokenPlace(account.id, "accessTokenSealed"),
    );
    expect(refreshedAccessToken).not.toBe(tokens.accessToken);
    expect(bytes.includes(refreshedAccessToken)).toBe(false);
  });
});
