// What the status page's "How this account sends" does to the account: a way is chosen only when
// it can send, an app password is checked with Gmail before it is kept (sealed, normalized, never
// stored when Gmail refuses it), a paused app-password account resumes with a new one, and a
// password in use cannot be removed. Through the emulator's SMTP server, as Gmail would answer.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { accountTokenPlace } from "../../lib/crypto/sealed-columns";
import { tokenSealer } from "../../lib/crypto/sealer";
import { db } from "../../lib/db";
import { AppError } from "../../lib/errors/app-error";
import { closeAllTransports } from "../../lib/mail/transport-pool";
import {
  normalizeAppPassword,
  removeAppPassword,
  saveAppPassword,
  setSendWay,
} from "../../lib/sending/ways/account-send-way";
import { insertConnectedUser } from "../support/seed-user";
import { TEST_CLIENT, configureTestEnvironment } from "../support/test-app-env";
import { testCa } from "../support/test-ca";

const FULL_SCOPE = "openid email profile https://mail.google.com/";
const SEND_ONLY_SCOPE = "openid email profile https://www.googleapis.com/auth/gmail.send";

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ ca: testCa() });
  configureTestEnvironment(emu);
});

afterAll(async () => {
  closeAllTransports();
  await emu.stop();
});

beforeEach(() => {
  emu.control.reset();
});

let counter = 0;
async function newUser(scope = FULL_SCOPE) {
  counter++;
  const email = `settings${counter}@example.com`;
  const tokens = emu.control.issueTokens(email, { clientId: TEST_CLIENT.clientId, scope });
  return insertConnectedUser(email, tokens, scope);
}

async function accountRow(id: string) {
  const prisma = await db();
  return prisma.account.findUniqueOrThrow({ where: { id } });
}

/** The AppError `work` throws (it must throw one). */
async function refusal(work: Promise<unknown>): Promise<AppError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("choosing how an account sends", () => {
  it("takes a way whose scope was granted, and refuses one that lacks it or its password", async () => {
    const full = await newUser(FULL_SCOPE);
    await setSendWay(full.user.id, "gmail_api");
    expect((await accountRow(full.account.id)).sendWay).toBe("gmail_api");

    const sendOnly = await newUser(SEND_ONLY_SCOPE);
    const noScope = await refusal(setSendWay(sendOnly.user.id, "smtp_oauth"));
    expect(noScope.message).toContain("needs Google's permission first");
    const noPassword = await refusal(setSendWay(sendOnly.user.id, "app_password"));
    expect(noPassword.message).toBe("Add an app password first, then choose this way.");
    expect((await accountRow(sendOnly.account.id)).sendWay).toBe("smtp_oauth");

    const prisma = await db();
    const events = await prisma.auditEvent.findMany({
      where: { userId: full.user.id, kind: "send_way_changed" },
    });
    expect(events.map((e) => e.detail)).toEqual(["Now sends with Gmail API"]);
  });

  it("lifts a pause when the way changes, so the next send tries the new way", async () => {
    const { user, account } = await newUser();
    const prisma = await db();
    await prisma.account.update({
      where: { id: account.id },
      data: { reconnectReason: "Token has been expired or revoked.", reconnectSince: new Date() },
    });
    await setSendWay(user.id, "gmail_api");
    expect(await accountRow(account.id)).toMatchObject({
      sendWay: "gmail_api",
      reconnectReason: null,
      reconnectSince: null,
    });
  });
});

describe("an app password", () => {
  it("is normalized from Google's groups of four, and anything else is refused", () => {
    expect(normalizeAppPassword("abcd efgh ijkl mnop")).toBe("abcdefghijklmnop");
    expect(normalizeAppPassword(" ABCD EFGH IJKL MNOP ")).toBe("abcdefghijklmnop");
    for (const bad of [
      "abcd efgh ijkl",
      "abcd efgh ijkl mnop q",
      "abcd-efgh-ijkl-mnop",
      "1234 5678 9012 3456",
    ]) {
      expect(normalizeAppPassword(bad)).toBeUndefined();
    }
  });

  it("is checked with Gmail, kept sealed only when Gmail takes it, and never kept in the clear", async () => {
    const { user, account } = await newUser();
    emu.control.setTwoStepVerification(account.email, true);
    emu.control.setPassword(account.email, "the account password");

    const malformed = await refusal(saveAppPassword(user.id, "hunter2"));
    expect(malformed.details).toEqual({
      appPassword: "An app password is 16 letters, like abcd efgh ijkl mnop.",
    });
    const unknown = await refusal(saveAppPassword(user.id, "aaaa bbbb cccc dddd"));
    expect(unknown.message).toMatch(/^Gmail did not accept this app password.*535-5\.7\.8/);
    expect((await accountRow(account.id)).appPasswordSealed).toBeNull();

    const created = emu.control.createAppPassword(account.email);
    await saveAppPassword(user.id, created.password);
    const row = await accountRow(account.id);
    expect(row.appPasswordAddedAt).toBeInstanceOf(Date);
    const compact = created.password.replace(/ /g, "");
    expect(row.appPasswordSealed).not.toContain(compact);
    expect(
      tokenSealer().open(
        row.appPasswordSealed!,
        accountTokenPlace(account.id, "appPasswordSealed"),
      ),
    ).toBe(compact);
    // Saving it did not switch the way: that is the owner's choice.
    expect(row.sendWay).toBe("smtp_oauth");
  });

  it("answers the account's own password with what Gmail wants instead", async () => {
    const { user, account } = await newUser();
    emu.control.setTwoStepVerification(account.email, true);
    // A 16-letter account password, so only Gmail can tell it from an app password.
    emu.control.setPassword(account.email, "qwertyuiopasdfgh");
    const error = await refusal(saveAppPassword(user.id, "qwer tyui opas dfgh"));
    expect(error.message).toMatch(
      /^That is the account's own password; Gmail wants an app password\./,
    );
    expect((await accountRow(account.id)).appPasswordSealed).toBeNull();
  });

  it("resumes a paused app-password account, and cannot be removed while in use", async () => {
    const { user, account } = await newUser();
    emu.control.setTwoStepVerification(account.email, true);
    await saveAppPassword(user.id, emu.control.createAppPassword(account.email).password);
    await setSendWay(user.id, "app_password");
    const prisma = await db();
    await prisma.account.update({
      where: { id: account.id },
      data: { reconnectReason: "Gmail refused the app password (535)", reconnectSince: new Date() },
    });

    await saveAppPassword(user.id, emu.control.createAppPassword(account.email).password);
    expect(await accountRow(account.id)).toMatchObject({ reconnectReason: null });

    const inUse = await refusal(removeAppPassword(user.id));
    expect(inUse.message).toContain("choose another way first");
    await setSendWay(user.id, "smtp_oauth");
    await removeAppPassword(user.id);
    expect(await accountRow(account.id)).toMatchObject({
      appPasswordSealed: null,
      appPasswordAddedAt: null,
    });
    const kinds = (
      await prisma.auditEvent.findMany({
        where: { userId: user.id },
        orderBy: { createdAt: "asc" },
      })
    ).map((e) => e.kind);
    expect(kinds.filter((k) => k.startsWith("app_password"))).toEqual([
      "app_password_added",
      "app_password_added",
      "app_password_removed",
    ]);
  });

  it("asks Gmail at most ten times in ten minutes for one user", async () => {
    const { user, account } = await newUser();
    emu.control.setTwoStepVerification(account.email, true);
    for (let i = 0; i < 10; i++) {
      const error = await refusal(saveAppPassword(user.id, "zzzz zzzz zzzz zzzz"));
      expect(error.code).toBe("invalid_input");
    }
    const limited = await refusal(saveAppPassword(user.id, "zzzz zzzz zzzz zzzz"));
    expect(limited.code).toBe("rate_limited");
    expect(limited.message).toMatch(/try again in \d+ min/);
    // Another user is not held back.
    const other = await newUser();
    emu.control.setTwoStepVerification(other.account.email, true);
    await saveAppPassword(
      other.user.id,
      emu.control.createAppPassword(other.account.email).password,
    );
  });
});
