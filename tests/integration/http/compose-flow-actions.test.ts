// The compose page's own server actions, as any client could call them: "Undo" cancels only the
// signed-in user's message and says when it is too late; a message sent from compose is held for
// the undo window without becoming a scheduled one; suggestions take only a string.
import { describe, expect, it, vi } from "vitest";
import { db } from "../../../lib/db";
import { mockedSessionModule, session } from "../../support/mock-session";
import { seedUser } from "../../support/seed-user";
import { emulatorSuite } from "../../support/emulator-suite";

vi.mock("server-only", () => ({}));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
vi.mock("../../../lib/auth/session", () => mockedSessionModule);

const { sendMessageAction } = await import("../../../app/(dashboard)/compose/actions");
const { undoSendAction, suggestRecipientsAction } =
  await import("../../../app/(dashboard)/compose/flow-actions");

const suite = emulatorSuite({ UNDO_SECONDS: "20" });
let n = 0;

async function signedInSender() {
  const { user, account } = await seedUser(suite.emulator(), `flow${++n}@example.com`);
  session.user = { id: user.id, email: user.email, name: null };
  return { user, account };
}

async function send(from: string, to: string) {
  const body = new FormData();
  for (const [name, value] of [
    ["from", from],
    ["to", to],
    ["subject", "Hi"],
    ["text", "Hello"],
    ["scheduledAt", ""],
  ]) {
    body.append(name!, value!);
  }
  const result = await sendMessageAction({}, body);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.ok;
}

describe("undo send", () => {
  it("holds a message sent from compose for the undo window, still queued and not scheduled", async () => {
    const { account } = await signedInSender();
    const before = Date.now();
    const sent = await send(account.email, "bob@example.org");
    expect(sent.undoSeconds).toBe(20);
    const prisma = await db();
    const row = await prisma.message.findUniqueOrThrow({ where: { id: sent.id } });
    expect(row).toMatchObject({ status: "queued", scheduledAt: null });
    expect(row.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before + 20_000);
    expect(row.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now() + 20_000);
  });

  it("cancels the signed-in user's message, not another user's, and then says it is too late", async () => {
    const other = await signedInSender();
    const theirs = await send(other.account.email, "carol@example.net");
    const { account } = await signedInSender();
    const mine = await send(account.email, "bob@example.org");
    expect(await undoSendAction(theirs.id)).toEqual({ error: "Message not found." });
    expect(await undoSendAction(mine.id)).toEqual({ canceled: true });
    expect(await undoSendAction(mine.id)).toEqual({ tooLate: "canceled" });
    const prisma = await db();
    const statuses = await prisma.message.findMany({
      where: { id: { in: [theirs.id, mine.id] } },
      select: { id: true, status: true },
    });
    expect(Object.fromEntries(statuses.map((m) => [m.id, m.status]))).toEqual({
      [theirs.id]: "queued",
      [mine.id]: "canceled",
    });
  });

  it("refuses anything but one message id", async () => {
    await signedInSender();
    const undo = undoSendAction as (...args: unknown[]) => Promise<unknown>;
    expect(await undo({ not: "" })).toEqual({ error: "Not a valid id." });
    expect(await undo("a", "b")).toEqual({ error: "Expected one message id." });
  });
});

describe("recipient suggestions", () => {
  it("suggests the signed-in user's earlier recipients only, and takes only a string", async () => {
    const other = await signedInSender();
    await send(other.account.email, "zoe.private@example.net");
    const { account } = await signedInSender();
    await send(account.email, "zack@example.org");
    expect(await suggestRecipientsAction("z")).toEqual(["zack@example.org"]);
    const suggest = suggestRecipientsAction as (...args: unknown[]) => Promise<unknown>;
    expect(await suggest({ gte: "" })).toEqual([]);
    expect(await suggest("z".repeat(10_000))).toEqual([]);
  });
});
