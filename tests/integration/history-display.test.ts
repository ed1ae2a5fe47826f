// What the history shows of a message: each address with the display name it was given (from
// compose, the API or the relay), while the API's answer and the search still use bare
// addresses; and a queued message whose time is still ahead reads "scheduled", with its own
// filter and count, in the list, the search and the CSV.
import { describe, expect, it, vi } from "vitest";
import { authenticateApiKeySecret } from "../../lib/api-keys/authenticate-api-key";
import { createApiKey } from "../../lib/api-keys/create-api-key";
import { messageJson } from "../../lib/api/message-response";
import { messageInputSchema } from "../../lib/mail/message-input";
import { countStatuses } from "../../lib/outbox/count-statuses";
import {
  addressesWithNames,
  readDisplayNames,
  withDisplayName,
} from "../../lib/outbox/display-names";
import { displayStatus } from "../../lib/outbox/display-status";
import { enqueueMessage } from "../../lib/outbox/enqueue-message";
import { exportRows } from "../../lib/outbox/export-messages";
import { getMessage, listMessages } from "../../lib/outbox/list-messages";
import { submitRelayMessage } from "../../lib/relay/submit-relay-message";
import { emulatorSuite } from "../support/emulator-suite";
import { seedUser } from "../support/seed-user";

vi.mock("server-only", () => ({}));

const suite = emulatorSuite();
let n = 0;

async function sender() {
  return seedUser(suite.emulator(), `history${++n}@example.com`);
}

async function send(userId: string, fields: Record<string, string>, scheduledAt?: Date) {
  const input = messageInputSchema.parse({ subject: "Hello", text: "Hi", ...fields });
  return (await enqueueMessage({ userId, input, scheduledAt })).id;
}

describe("display names in the history", () => {
  it("shows each recipient with the name it was given, and bare addresses to the API", async () => {
    const { user, account } = await sender();
    const id = await send(user.id, {
      from: account.email,
      to: "Bob Builder <Bob@example.org>, dana@example.org",
      cc: '"Carol, Accounts" <carol@example.net>',
      bcc: "Audit <audit@example.com>",
      subject: "Quarterly plan",
    });

    const [row] = (await listMessages(user.id)).messages;
    expect(row?.id).toBe(id);
    const names = readDisplayNames(row!.displayNames);
    expect(addressesWithNames(row!.to, names)).toBe(
      "Bob Builder <Bob@example.org>, dana@example.org",
    );

    const detail = (await getMessage(user.id, id))!;
    const detailNames = readDisplayNames(detail.displayNames);
    expect(addressesWithNames(detail.cc, detailNames)).toBe("Carol, Accounts <carol@example.net>");
    expect(addressesWithNames(detail.bcc, detailNames)).toBe("Audit <audit@example.com>");
    expect(withDisplayName(detail.fromAddress, detailNames)).toBe(account.email);

    // The API's contract: bare addresses.
    expect(messageJson(detail, new Map())).toMatchObject({
      to: ["Bob@example.org", "dana@example.org"],
      cc: ["carol@example.net"],
    });
    // The search still finds it by address, and its hits carry the names too.
    const found = (await listMessages(user.id, { query: "bob@exa" })).messages;
    expect(found.map((m) => m.id)).toEqual([id]);
    expect(addressesWithNames(found[0]!.to, readDisplayNames(found[0]!.displayNames))).toBe(
      "Bob Builder <Bob@example.org>, dana@example.org",
    );
  });

  it("keeps the names a relay client wrote in its To and Cc headers", async () => {
    const { user, account } = await sender();
    const created = await createApiKey(user.id, {
      name: "Legacy app",
      permission: "send",
      allowedFrom: [account.email],
    });
    const key = await authenticateApiKeySecret(created.secret);
    const raw = Buffer.from(
      [
        `From: Legacy App <${account.email}>`,
        "To: Erin Example <erin@example.org>",
        "Cc: frank@example.org",
        "Subject: From the relay",
        "",
        "Hello",
        "",
      ].join("\r\n"),
    );
    const { id } = await submitRelayMessage({
      key,
      username: "legacy",
      clientAddress: "127.0.0.1",
      recipients: ["erin@example.org", "frank@example.org"],
      raw,
    });
    const detail = (await getMessage(user.id, id))!;
    const names = readDisplayNames(detail.displayNames);
    expect(addressesWithNames(detail.to, names)).toBe("Erin Example <erin@example.org>");
    expect(addressesWithNames(detail.cc, names)).toBe("frank@example.org");
    expect(withDisplayName(detail.fromAddress, names)).toBe(`Legacy App <${account.email}>`);
  });
});

describe("scheduled messages", () => {
  it("read 'scheduled' until their time, with a filter and a count of their own", async () => {
    const { user, account } = await sender();
    const later = new Date(Date.now() + 2 * 3_600_000);
    const scheduled = await send(
      user.id,
      { from: account.email, to: "a@example.org", subject: "Later plan" },
      later,
    );
    const now = await send(user.id, {
      from: account.email,
      to: "b@example.org",
      subject: "Now plan",
    });

    const rows = (await listMessages(user.id)).messages;
    const shown = Object.fromEntries(rows.map((m) => [m.id, displayStatus(m)]));
    expect(shown).toEqual({ [scheduled]: "scheduled", [now]: "queued" });
    // Stored status stays the contract's "queued".
    expect(rows.every((m) => m.status === "queued")).toBe(true);
    // Once its time has come it reads queued again.
    const row = rows.find((m) => m.id === scheduled)!;
    expect(displayStatus(row, new Date(later.getTime() + 1000))).toBe("queued");

    const filtered = await listMessages(user.id, { status: "scheduled" });
    expect(filtered.messages.map((m) => m.id)).toEqual([scheduled]);
    const searched = await listMessages(user.id, { status: "scheduled", query: "plan" });
    expect(searched.messages.map((m) => m.id)).toEqual([scheduled]);

    const counts = await countStatuses(user.id);
    expect(counts).toMatchObject({ queued: 2, scheduled: 1, sent: 0 });

    const csv = [];
    for await (const r of exportRows(user.id, { status: "scheduled" })) csv.push(r);
    expect(csv.map((r) => [r.id, r.status])).toEqual([[scheduled, "scheduled"]]);
  });
});
