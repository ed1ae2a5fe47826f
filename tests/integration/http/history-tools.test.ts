// The history's tools beyond the page: the CSV export (signed in by the session, only the user's
// messages, only those the filter shows, every cell escaped and none read as a formula) and the
// bulk cancel / retry action (any shape refused before a query, only the user's messages moved).
import { describe, expect, it, vi } from "vitest";
import { db } from "../../../lib/db";
import { messageInputSchema } from "../../../lib/mail/message-input";
import { enqueueMessage } from "../../../lib/outbox/enqueue-message";
import { mockedSessionModule, session } from "../../support/mock-session";
import { seedUser } from "../../support/seed-user";
import { emulatorSuite } from "../../support/emulator-suite";

vi.mock("server-only", () => ({}));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
vi.mock("../../../lib/auth/session", () => mockedSessionModule);

const { GET } = await import("../../../app/(dashboard)/history/export/route");
const { bulkMessageAction } = await import("../../../app/(dashboard)/history/actions");

const suite = emulatorSuite();
let n = 0;

async function signedInSender() {
  const { user, account } = await seedUser(suite.emulator(), `tools${++n}@example.com`);
  session.user = { id: user.id, email: user.email, name: null };
  return { user, account };
}

/** A message scheduled an hour ahead, so it stays queued. */
async function queueLater(userId: string, from: string, subject: string, to = "bob@example.org") {
  const input = messageInputSchema.parse({ from, to, subject, text: "hi" });
  const at = new Date(Date.now() + 3_600_000);
  return (await enqueueMessage({ userId, input, scheduledAt: at })).id;
}

async function exportCsv(query: string): Promise<Response> {
  return GET(new Request(`http://localhost/history/export${query}`));
}

async function statusOf(id: string) {
  return (await (await db()).message.findUniqueOrThrow({ where: { id } })).status;
}

describe("CSV export", () => {
  it("refuses a signed-out caller and a filter that is not valid", async () => {
    session.user = null;
    expect((await exportCsv("")).status).toBe(401);
    await signedInSender();
    const bad = await exportCsv("?status=lost");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("status");
  });

  it("holds the user's messages the filter shows, escaped, with no cell read as a formula", async () => {
    const other = await signedInSender();
    await queueLater(other.user.id, other.account.email, "Invoice theirs", "carol@example.org");
    const { user, account } = await signedInSender();
    const quoted = await queueLater(user.id, account.email, 'Invoice "big", one');
    const formula = await queueLater(user.id, account.email, '=HYPERLINK("http://x") invoice');
    const plus = await queueLater(user.id, account.email, "+1 invoice");
    const at = await queueLater(user.id, account.email, "@home invoice");
    await queueLater(user.id, account.email, "Unrelated", "dave@example.org");

    const response = await exportCsv("?q=invoice");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="/);
    const text = await response.text();
    const lines = text.split("\r\n");
    expect(lines[0]).toBe(
      "id,created_at_utc,sent_at_utc,status,source,to,subject,smtp_code,smtp_reply",
    );
    // The quoted subject keeps its quotes and comma inside one cell.
    expect(text).toContain(`${quoted},`);
    // Scheduled an hour ahead: the CSV says so, as the history does.
    expect(text).toContain(`,scheduled,web,bob@example.org,"Invoice ""big"", one",,\r\n`);
    expect(text).toContain(`${formula},`);
    expect(text).toContain(`,"'=HYPERLINK(""http://x"") invoice",,`);
    expect(text).toContain(`${plus},`);
    expect(text).toContain(",'+1 invoice,,");
    expect(text).toContain(`${at},`);
    expect(text).toContain(",'@home invoice,,");
    expect(text).not.toContain("theirs");
    expect(text).not.toContain("Unrelated");
    // Header, four records, and the final line break.
    expect(lines).toHaveLength(1 + 4 + 1);
    expect(lines.at(-1)).toBe("");

    const none = await (await exportCsv("?q=invoice&status=sent")).text();
    expect(none.split("\r\n").filter(Boolean)).toHaveLength(1);
  });
});

describe("bulk cancel and retry", () => {
  const bulk = bulkMessageAction as (...args: unknown[]) => Promise<unknown>;

  it("refuses any other shape before a message is touched", async () => {
    const { user, account } = await signedInSender();
    const id = await queueLater(user.id, account.email, "Keep");
    const shapes: unknown[][] = [
      [{}, { op: "cancel", ids: { in: [id] } }],
      [{}, { op: "cancel", ids: [] }],
      [{}, { op: "delete", ids: [id] }],
      [{}, { op: "cancel", ids: [{ not: "" }] }],
      [{}, { op: "cancel", ids: Array.from({ length: 101 }, () => id) }],
      [{}, { op: "cancel", ids: [id] }, "extra"],
      [{ op: "cancel", ids: [id] }],
      [{}, null],
    ];
    for (const args of shapes) {
      const result = (await bulk(...args)) as { error?: string };
      expect(result.error).toEqual(expect.any(String));
    }
    expect(await statusOf(id)).toBe("queued");
  });

  it("cancels the user's selected messages and leaves another user's alone", async () => {
    const other = await signedInSender();
    const theirs = await queueLater(other.user.id, other.account.email, "Theirs");
    const { user, account } = await signedInSender();
    const a = await queueLater(user.id, account.email, "A");
    const b = await queueLater(user.id, account.email, "B");
    const kept = await queueLater(user.id, account.email, "Kept");
    expect(await bulk({}, { op: "cancel", ids: [a, b, theirs] })).toEqual({
      message:
        "Canceled: 2 messages. 1 message left as they were (only a queued or deferred one can be).",
    });
    expect([await statusOf(a), await statusOf(b), await statusOf(kept)]).toEqual([
      "canceled",
      "canceled",
      "queued",
    ]);
    expect(await statusOf(theirs)).toBe("queued");
    // Retrying now applies to deferred messages only: queued and canceled ones are left.
    expect(await bulk({}, { op: "retry", ids: [a, kept] })).toEqual({
      message:
        "Retrying now: 0 messages. 2 messages left as they were (only a deferred one can be).",
    });
    expect(await statusOf(kept)).toBe("queued");
  });
});
