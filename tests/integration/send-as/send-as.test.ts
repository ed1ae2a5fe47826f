// Send-as aliases: Gmail's list is stored at sign-in and on "Refresh addresses", compose offers
// the account's address and its verified aliases (never another user's), a message from a
// verified alias goes out with the alias in From and MAIL FROM, and an unverified one is refused.
import type { Account } from "next-auth";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createApiKey } from "../../../lib/api-keys/create-api-key";
import { authenticateApiKeySecret } from "../../../lib/api-keys/authenticate-api-key";
import { sendApiMessage } from "../../../lib/api/send-api-message";
import { buildAuthOptions } from "../../../lib/auth/auth-options";
import { db } from "../../../lib/db";
import { messageInputSchema } from "../../../lib/mail/message-input";
import { enqueueMessage } from "../../../lib/outbox/enqueue-message";
import { senderDomainsFor } from "../../../lib/diagnostics/sender-domains";
import { senderChoices, senderLabel } from "../../../lib/send-as/sender-choices";
import { drainOutbox } from "../../support/drain-outbox";
import { emulatorSuite } from "../../support/emulator-suite";
import { mockedSessionModule, session } from "../../support/mock-session";
import { seedUser } from "../../support/seed-user";

vi.mock("server-only", () => ({}));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
vi.mock("next/headers", () => ({
  cookies: () => Promise.resolve({ get: () => undefined }),
  headers: () => Promise.resolve(new Headers()),
}));
vi.mock("../../../lib/auth/session", () => mockedSessionModule);

const { refreshAddressesAction } = await import("../../../app/(dashboard)/compose/send-as-actions");

const suite = emulatorSuite();
let n = 0;

beforeEach(() => {
  session.user = null;
});

/** A connected user whose Google account has these aliases in Gmail. */
async function userWithAliases(
  aliases: {
    sendAsEmail: string;
    displayName?: string;
    verificationStatus?: "accepted" | "pending";
    isDefault?: boolean;
  }[],
) {
  const email = `sender${++n}@example.com`;
  const emu = suite.emulator();
  emu.control.setAliases(email, aliases);
  const seeded = await seedUser(emu, email);
  // The emulator names an account after its address: "sender1@…" is "Sender1".
  return { ...seeded, email, name: `Sender${n}` };
}

/** next-auth's sign-in event, as Google's callback fires it for this account. */
async function signIn(email: string, providerAccountId: string, accessToken: string) {
  const account: Account = {
    provider: "google",
    type: "oauth",
    providerAccountId,
    access_token: accessToken,
    expires_at: Math.floor(Date.now() / 1000) + 3600,
    scope: "openid email profile https://mail.google.com/",
  };
  const options = buildAuthOptions(await db());
  await options.events!.signIn!({
    user: { id: providerAccountId, email },
    account,
    profile: { email, sub: providerAccountId },
  });
}

async function addresses(userId: string) {
  return (await senderChoices(await db(), userId)).choices.map(senderLabel);
}

function input(from: string, subject = "From an alias") {
  return messageInputSchema.parse({ from, to: "bob@example.org", subject, text: "Hello" });
}

describe("Gmail's send-as addresses at sign-in", () => {
  it("stores the verified aliases with their display names, and offers them in compose", async () => {
    const { user, account, tokens, email, name } = await userWithAliases([
      { sendAsEmail: "Sales@Example.org", displayName: "Example Sales" },
      { sendAsEmail: "pending@example.org", displayName: "Not Yet", verificationStatus: "pending" },
    ]);
    expect(await addresses(user.id)).toEqual([email]);

    await signIn(email, account.providerAccountId, tokens.accessToken);

    expect(await addresses(user.id)).toEqual([
      `${name} <${email}>`,
      "Example Sales <sales@example.org>",
    ]);
    const stored = await (await db()).sendAsAddress.findMany({ where: { accountId: account.id } });
    expect(stored.map((s) => [s.address, s.verificationStatus]).sort()).toEqual([
      ["pending@example.org", "pending"],
      ["sales@example.org", "accepted"],
      [email, "accepted"],
    ]);
  });

  it("still signs in when Gmail refuses the list, and logs no token", async () => {
    const { user, account, email } = await userWithAliases([{ sendAsEmail: "x@example.org" }]);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      // A token Gmail does not know: the list answers 401.
      await expect(
        signIn(email, account.providerAccountId, "ya29.not-a-token-gmail-knows"),
      ).resolves.toBeUndefined();
      const logged = warn.mock.calls.map((c) => c.join(" ")).join("\n");
      expect(logged).toMatch(/send-as: addresses not refreshed at sign-in .*401/);
      expect(logged).not.toContain("ya29.not-a-token-gmail-knows");
    } finally {
      warn.mockRestore();
    }
    expect(await addresses(user.id)).toEqual([email]);
  });
});

describe("Refresh addresses", () => {
  it("picks up an alias added in Gmail after sign-in and says when", async () => {
    const { user, email } = await userWithAliases([]);
    session.user = { id: user.id, email, name: null };
    suite
      .emulator()
      .control.setAliases(email, [
        { sendAsEmail: "support@example.org", displayName: "Support Desk" },
      ]);
    const before = Date.now();
    const state = await refreshAddressesAction();
    expect(state.error).toBeUndefined();
    expect(Date.parse(state.refreshedAt!)).toBeGreaterThanOrEqual(before);
    expect(await addresses(user.id)).toContain("Support Desk <support@example.org>");
    const { refreshedAt } = await senderChoices(await db(), user.id);
    expect(refreshedAt?.toISOString()).toBe(state.refreshedAt);

    // Removed in Gmail: gone from compose at the next refresh.
    suite.emulator().control.setAliases(email, []);
    await refreshAddressesAction();
    expect(await addresses(user.id)).not.toContain("Support Desk <support@example.org>");
  });

  it("says so when Gmail refuses, and keeps the addresses it had", async () => {
    const { user, email } = await userWithAliases([{ sendAsEmail: "kept@example.org" }]);
    session.user = { id: user.id, email, name: null };
    await refreshAddressesAction();
    suite.emulator().control.revoke(email);
    const state = await refreshAddressesAction();
    expect(state.error).toMatch(/Gmail refused|reconnect/i);
    expect(await addresses(user.id)).toContain("kept@example.org");
  });
});

describe("sending from an alias", () => {
  it("has the sender domain checks cover a verified alias's domain, not a pending one's", async () => {
    const { user, email } = await userWithAliases([
      { sendAsEmail: "news@alias-domain.example", verificationStatus: "accepted" },
      { sendAsEmail: "later@pending-domain.example", verificationStatus: "pending" },
    ]);
    session.user = { id: user.id, email, name: null };
    expect((await senderDomainsFor(user.id)).map((d) => d.domain)).toEqual(["example.com"]);
    await refreshAddressesAction();
    expect(await senderDomainsFor(user.id)).toEqual([
      { domain: "example.com", addresses: [email] },
      { domain: "alias-domain.example", addresses: ["news@alias-domain.example"] },
    ]);
  });

  it("sends with the alias's display name in From and the alias as MAIL FROM", async () => {
    const { user, email } = await userWithAliases([
      { sendAsEmail: "news@example.org", displayName: "Example News" },
    ]);
    session.user = { id: user.id, email, name: null };
    await refreshAddressesAction();
    const { id } = await enqueueMessage({ userId: user.id, input: input("NEWS@example.org") });
    expect(await drainOutbox()).toBe(1);

    const prisma = await db();
    const message = await prisma.message.findUniqueOrThrow({ where: { id } });
    expect(message).toMatchObject({ status: "sent", fromAddress: "news@example.org" });
    const received = suite.emulator().control.messages({ email })[0]!;
    expect(received.from).toBe('"Example News" <news@example.org>');
    expect(received.envelope.mailFrom).toBe("news@example.org");
    expect(received.fromRewritten).toBe(false);
  });

  it("refuses an alias Gmail has not verified, with what to do", async () => {
    const { user, email } = await userWithAliases([
      { sendAsEmail: "later@example.org", verificationStatus: "pending" },
    ]);
    session.user = { id: user.id, email, name: null };
    await refreshAddressesAction();
    await expect(
      enqueueMessage({ userId: user.id, input: input("later@example.org") }),
    ).rejects.toMatchObject({
      code: "invalid_input",
      details: {
        from: expect.stringMatching(/later@example.org is not verified in Gmail yet/) as string,
      },
    });
    expect(await (await db()).message.count({ where: { userId: user.id } })).toBe(0);
  });

  it("never offers or sends from another user's alias", async () => {
    const owner = await userWithAliases([{ sendAsEmail: "owned@example.org" }]);
    session.user = { id: owner.user.id, email: owner.email, name: null };
    await refreshAddressesAction();
    const other = await userWithAliases([]);
    session.user = { id: other.user.id, email: other.email, name: null };
    await refreshAddressesAction();

    expect(await addresses(owner.user.id)).toContain("owned@example.org");
    expect(await addresses(other.user.id)).toEqual([`${other.name} <${other.email}>`]);
    await expect(
      enqueueMessage({ userId: other.user.id, input: input("owned@example.org") }),
    ).rejects.toMatchObject({ code: "invalid_input" });
    await expect(
      createApiKey(other.user.id, {
        name: "Borrowed",
        permission: "send",
        allowedFrom: ["owned@example.org"],
      }),
    ).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("lets an API key send from a verified alias it was given", async () => {
    const { user, email } = await userWithAliases([
      { sendAsEmail: "billing@example.org", displayName: "Billing" },
    ]);
    session.user = { id: user.id, email, name: null };
    await refreshAddressesAction();
    const created = await createApiKey(user.id, {
      name: "Billing app",
      permission: "send",
      allowedFrom: ["Billing@example.org"],
    });
    const key = await authenticateApiKeySecret(created.secret);
    expect(key.allowedFrom).toEqual(["billing@example.org"]);
    const answer = await sendApiMessage(
      key,
      { from: "billing@example.org", to: ["bob@example.org"], subject: "Invoice", text: "Due" },
      null,
    );
    expect(answer.status).toBe(202);
    await drainOutbox();
    const received = suite.emulator().control.messages({ email })[0]!;
    expect(received.from).toBe('"Billing" <billing@example.org>');
  });
});
