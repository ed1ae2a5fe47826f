// Server actions take whatever a client posts: the safe-action wrapper refuses wrong shapes
// before a query runs, maps known errors, and hides unexpected ones; the history's cursor only
// pages through the user's own messages.
import { describe, expect, it, vi } from "vitest";
import { db } from "../../../lib/db";
import { messageInputSchema } from "../../../lib/mail/message-input";
import { enqueueMessage } from "../../../lib/outbox/enqueue-message";
import { getMessageMime, listMessages } from "../../../lib/outbox/list-messages";
import { mockedSessionModule, session } from "../../support/mock-session";
import { seedUser } from "../../support/seed-user";
import { emulatorSuite } from "../../support/emulator-suite";

vi.mock("server-only", () => ({}));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
vi.mock("../../../lib/auth/session", () => mockedSessionModule);

const { cancelMessageAction, retryMessageNowAction } =
  await import("../../../app/(dashboard)/history/actions");
const { sendMessageAction } = await import("../../../app/(dashboard)/compose/actions");
const { testConnectionAction, recheckSenderDomainsAction } =
  await import("../../../app/(dashboard)/status/actions");
const { checkSenderDomains } = await import("../../../lib/diagnostics/check-sender-domains");
const { safeAction } = await import("../../../lib/http/safe-action");
const { AppError } = await import("../../../lib/errors/app-error");
const { z } = await import("zod");

const suite = emulatorSuite();
let n = 0;

async function signedInSender() {
  const { user, account } = await seedUser(suite.emulator(), `actions${++n}@example.com`);
  session.user = { id: user.id, email: user.email, name: null };
  return { user, account };
}

async function queueLater(userId: string, from: string, subject = "Later") {
  const input = messageInputSchema.parse({ from, to: "bob@example.org", subject, text: "hi" });
  const at = new Date(Date.now() + 3_600_000);
  return (await enqueueMessage({ userId, input, scheduledAt: at })).id;
}

async function statuses(userId: string) {
  const prisma = await db();
  const rows = await prisma.message.findMany({ where: { userId }, orderBy: { id: "asc" } });
  return rows.map((m) => m.status);
}

/** A compose form's fields from `from` to bob@example.org, sent later when `at` is given. */
function messageFields(from: string, at?: Date): [string, string][] {
  return [
    ["from", from],
    ["to", "bob@example.org"],
    ["subject", "Hi"],
    ["text", "Hello"],
    ...(at ? [["scheduledAt", at.toISOString()] as [string, string]] : []),
  ];
}

function form(fields: [string, string | Blob][]): FormData {
  const body = new FormData();
  for (const [name, value] of fields) body.append(name, value);
  return body;
}

describe("cancel and retry now", () => {
  it("refuses a filter object as the message id and changes none of the messages", async () => {
    const { user, account } = await signedInSender();
    await queueLater(user.id, account.email);
    await queueLater(user.id, account.email);
    for (const shape of [{ not: "" }, { in: [] }, { contains: "" }, ["a", "b"], 42, null]) {
      const cancel = cancelMessageAction as (...args: unknown[]) => Promise<unknown>;
      const retry = retryMessageNowAction as (...args: unknown[]) => Promise<unknown>;
      expect(await cancel(shape)).toEqual({ error: "Not a valid id." });
      expect(await retry(shape)).toEqual({ error: "Not a valid id." });
    }
    expect(await statuses(user.id)).toEqual(["queued", "queued"]);
  });

  it("refuses extra arguments, a very long id and a unicode id", async () => {
    const { user, account } = await signedInSender();
    const id = await queueLater(user.id, account.email);
    const cancel = cancelMessageAction as (...args: unknown[]) => Promise<unknown>;
    expect(await cancel(id, "extra")).toEqual({ error: "Expected one message id." });
    expect(await cancel("c".repeat(100_000))).toEqual({ error: "Not a valid id." });
    expect(await cancel(`${id.slice(0, -1)}é`)).toEqual({ error: "Not a valid id." });
    expect(await statuses(user.id)).toEqual(["queued"]);
  });

  it("cancels the signed-in user's message but not another user's", async () => {
    const other = await signedInSender();
    const theirs = await queueLater(other.user.id, other.account.email);
    const { user, account } = await signedInSender();
    const mine = await queueLater(user.id, account.email);
    expect(await cancelMessageAction(theirs)).toEqual({ error: "Message not found." });
    expect(await cancelMessageAction(mine)).toEqual({});
    expect(await statuses(other.user.id)).toEqual(["queued"]);
    expect(await statuses(user.id)).toEqual(["canceled"]);
  });

  it("sends a signed-out caller to the sign-in page before reading the arguments", async () => {
    session.user = null;
    const thrown: unknown = await cancelMessageAction({ not: "" } as unknown as string).catch(
      (error: unknown) => error,
    );
    expect((thrown as { digest?: string }).digest).toMatch(/^NEXT_REDIRECT;.*;\/;/);
  });
});

describe("compose", () => {
  it("refuses a repeated field, a file and an oversized message with field errors", async () => {
    const { user, account } = await signedInSender();
    const base = messageFields(account.email);
    const twice = await sendMessageAction({}, form([...base, ["to", "eve@example.org"]]));
    expect(twice.errors).toEqual({ to: "This field was sent more than once." });
    const file = await sendMessageAction(
      {},
      form([...base.slice(0, 3), ["text", new Blob(["x"])]]),
    );
    expect(file.errors).toEqual({ text: "Files are not accepted here." });
    const huge = "x".repeat(25 * 1024 * 1024 + 1);
    const large = await sendMessageAction({}, form([...base.slice(0, 3), ["text", huge]]));
    expect(large.errors).toEqual({ text: "The message is larger than 25 MB." });
    const notAForm = sendMessageAction as (...args: unknown[]) => Promise<{ errors?: object }>;
    expect((await notAForm({}, { to: "bob@example.org" })).errors).toEqual({
      form: "Expected a form.",
    });
    expect(await statuses(user.id)).toEqual([]);
  });

  it("queues a well-formed message", async () => {
    const { user, account } = await signedInSender();
    const result = await sendMessageAction(
      {},
      form([
        ["from", account.email],
        ["to", "bob@example.org"],
        ["subject", "Hi"],
        ["text", "Hello"],
        ["scheduledAt", new Date(Date.now() + 3_600_000).toISOString()],
      ]),
    );
    expect(result.ok?.id).toMatch(/^c[0-9a-z]{24}$/);
    expect(await statuses(user.id)).toEqual(["queued"]);
  });
});

describe("compose's Reply-To", () => {
  it("puts the given Reply-To on the message and names every bad address in it", async () => {
    const { user, account } = await signedInSender();
    const base = messageFields(account.email, new Date(Date.now() + 3_600_000));
    const bad = await sendMessageAction({}, form([...base, ["replyTo", "nope, also-bad"]]));
    expect(bad.errors).toEqual({
      replyTo: '"nope" and "also-bad" are not valid email addresses.',
    });
    expect(await statuses(user.id)).toEqual([]);

    const sent = await sendMessageAction(
      {},
      form([...base, ["replyTo", "Help Desk <help@example.org>"]]),
    );
    const chunks: Buffer[] = [];
    for await (const chunk of (await getMessageMime(user.id, sent.ok!.id))!) {
      chunks.push(chunk as Buffer);
    }
    const mime = Buffer.concat(chunks).toString("utf8");
    expect(mime).toMatch(/^Reply-To: Help Desk <help@example\.org>\r$/m);
  });
});

describe("the connection test", () => {
  it("refuses a mode other than implicit TLS or STARTTLS", async () => {
    await signedInSender();
    expect(await testConnectionAction({}, form([["mode", "plaintext"]]))).toEqual({
      error: "Choose implicit TLS or STARTTLS.",
    });
    expect(
      await testConnectionAction(
        {},
        form([
          ["mode", "implicit"],
          ["mode", "starttls"],
        ]),
      ),
    ).toEqual({ error: "This field was sent more than once." });
  });
});

describe("re-checking sender domains", () => {
  it("asks DNS again for the caller's own domains only, and refuses what is not a form", async () => {
    const emu = suite.emulator();
    const policy = (p: string) => ({ TXT: [`v=DMARC1; p=${p}`] });
    emu.control.setDnsRecords({
      "_dmarc.example.com": policy("none"),
      "_dmarc.other.example": policy("none"),
    });
    const dmarc = async (userId: string) =>
      (await checkSenderDomains(userId))[0]?.checks.find((c) => c.id === "dmarc")?.summary;

    const other = await seedUser(emu, `someone${++n}@other.example`);
    const { user } = await signedInSender();
    expect(await dmarc(user.id)).toBe("DMARC policy: none.");
    expect(await dmarc(other.user.id)).toBe("DMARC policy: none.");

    emu.control.setDnsRecords({
      "_dmarc.example.com": policy("reject"),
      "_dmarc.other.example": policy("reject"),
    });
    expect(await dmarc(user.id)).toBe("DMARC policy: none."); // still the cached answer
    const recheck = recheckSenderDomainsAction as (...args: unknown[]) => Promise<unknown>;
    expect(await recheck({}, { domain: "other.example" })).toEqual({ error: "Expected a form." });
    expect(await recheck({}, form([]))).toMatchObject({
      recheckedAt: expect.any(String) as unknown,
    });
    expect(await dmarc(user.id)).toBe("DMARC policy: reject.");
    // Another user's domain is not the caller's to refresh: its answer stays cached.
    expect(await dmarc(other.user.id)).toBe("DMARC policy: none.");
  });
});

describe("safeAction", () => {
  const echo = (run: () => Promise<string>) =>
    safeAction({
      name: "echo",
      args: z.tuple([z.string()]),
      run: () => run(),
      fail: ({ message, fields }) => `failed: ${message} ${JSON.stringify(fields ?? {})}`,
    });

  it("answers an AppError below 500 with its message and fields", async () => {
    await signedInSender();
    const action = echo(() => Promise.reject(new AppError("conflict", "Too late.", { x: "y" })));
    expect(await action("a")).toBe('failed: Too late. {"x":"y"}');
  });

  it("logs an unexpected error once, without what follows its first line, and hides it", async () => {
    await signedInSender();
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const action = echo(() =>
      Promise.reject(
        new Error("Invalid `prisma.message.update()` invocation:\n  token: ya29.secret"),
      ),
    );
    expect(await action("a")).toBe("failed: Something went wrong. Please try again. {}");
    expect(log).toHaveBeenCalledTimes(1);
    expect(String(log.mock.calls[0]?.[0])).toContain("action echo failed: Error: Invalid `prisma");
    expect(JSON.stringify(log.mock.calls)).not.toContain("ya29.secret");
    log.mockRestore();
  });

  it("answers an AppError of 500 or more as something that went wrong", async () => {
    await signedInSender();
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const action = echo(() => Promise.reject(new AppError("internal", "db down")));
    expect(await action("a")).toBe("failed: Something went wrong. Please try again. {}");
    log.mockRestore();
  });
});

describe("the history's cursor", () => {
  it("pages only through the user's own messages; another user's id gives the first page", async () => {
    const { user, account } = await signedInSender();
    const other = await seedUser(suite.emulator(), `actions${++n}@example.com`);
    const mineBefore = await queueLater(user.id, account.email, "mine 1");
    await new Promise((r) => setTimeout(r, 5));
    const theirs = await queueLater(other.user.id, other.account.email, "theirs");
    await new Promise((r) => setTimeout(r, 5));
    const mineAfter = await queueLater(user.id, account.email, "mine 2");

    const first = await listMessages(user.id);
    expect(first.messages.map((m) => m.id)).toEqual([mineAfter, mineBefore]);
    const placedByTheirs = await listMessages(user.id, { cursor: theirs });
    expect(placedByTheirs.messages.map((m) => m.id)).toEqual([mineAfter, mineBefore]);
    expect(placedByTheirs.cursorIgnored).toBe(true);
    const second = await listMessages(user.id, { cursor: mineAfter });
    expect(second.messages.map((m) => m.id)).toEqual([mineBefore]);
    expect(second.cursorIgnored).toBe(false);
  });
});
