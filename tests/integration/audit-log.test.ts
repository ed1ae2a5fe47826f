// The audit log's reading and retention: a user sees their own events and the server-wide ones,
// never another user's; old events are pruned after AUDIT_RETENTION_DAYS.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { listAuditEvents } from "../../lib/audit/list-audit-events";
import { pruneAuditEvents } from "../../lib/audit/prune-audit-events";
import { recordAuditEvent } from "../../lib/audit/record-audit-event";
import { db } from "../../lib/db";
import { seedUser } from "../support/seed-user";
import { configureTestEnvironment } from "../support/test-app-env";
import { testCa } from "../support/test-ca";

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ ca: testCa() });
  configureTestEnvironment(emu);
  process.env.AUDIT_RETENTION_DAYS = "30";
});

afterAll(async () => {
  await emu.stop();
});

describe("the audit page's events", () => {
  it("shows a user their own and the server-wide events, newest first, filtered by kind", async () => {
    const prisma = await db();
    const ada = await seedUser(emu, "ada.audit@example.com");
    const bob = await seedUser(emu, "bob.audit@example.com");
    await recordAuditEvent(prisma, { kind: "sign_in", userId: ada.user.id, detail: "ada in" });
    await recordAuditEvent(prisma, { kind: "sign_in", userId: bob.user.id, detail: "bob in" });
    await recordAuditEvent(prisma, { kind: "keys_rotated", detail: "rotated" });
    await recordAuditEvent(prisma, { kind: "sign_out", userId: ada.user.id, detail: "ada out" });

    const { events } = await listAuditEvents(ada.user.id);
    const details = events.map((e) => e.detail);
    expect(details).toEqual(expect.arrayContaining(["ada in", "rotated", "ada out"]));
    expect(details).not.toContain("bob in");
    expect(details.indexOf("ada out")).toBeLessThan(details.indexOf("ada in"));

    const signIns = await listAuditEvents(ada.user.id, { kind: "sign_in" });
    expect(signIns.events.map((e) => e.detail)).toEqual(["ada in"]);

    // Bob's event as a cursor positions nothing: Ada gets her first page.
    const bobsEvent = await prisma.auditEvent.findFirstOrThrow({ where: { userId: bob.user.id } });
    const viaCursor = await listAuditEvents(ada.user.id, { cursor: bobsEvent.id });
    expect(viaCursor.events.map((e) => e.id)).toEqual(events.map((e) => e.id));
  });

  it("pages through a long log exactly once, newest first, also when events share a time", async () => {
    const prisma = await db();
    const cyd = await seedUser(emu, "cyd.audit@example.com");
    const dan = await seedUser(emu, "dan.audit@example.com");
    const at = new Date("2026-11-30T12:00:00Z");
    // 130 of Cyd's events, three to a millisecond, with Dan's in between.
    await prisma.auditEvent.createMany({
      data: Array.from({ length: 130 }, (_, i) => [
        {
          kind: "sign_in",
          userId: cyd.user.id,
          detail: `cyd ${i}`,
          createdAt: new Date(at.getTime() + Math.floor(i / 3)),
        },
        {
          kind: "sign_in",
          userId: dan.user.id,
          detail: `dan ${i}`,
          createdAt: new Date(at.getTime() + i),
        },
      ]).flat(),
    });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAuditEvents(cyd.user.id, { kind: "sign_in", cursor });
      seen.push(...page.events.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    const expected = await prisma.auditEvent.findMany({
      where: { userId: cyd.user.id, kind: "sign_in" },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      select: { id: true },
    });
    expect(seen).toEqual(expected.map((e) => e.id));
    expect(seen).toHaveLength(130);
  });

  it("prunes events older than AUDIT_RETENTION_DAYS and keeps the rest", async () => {
    const prisma = await db();
    const old = await prisma.auditEvent.create({
      data: {
        kind: "sign_in",
        detail: "long ago",
        createdAt: new Date(Date.now() - 31 * 86_400_000),
      },
    });
    const recent = await prisma.auditEvent.create({
      data: {
        kind: "sign_in",
        detail: "last week",
        createdAt: new Date(Date.now() - 7 * 86_400_000),
      },
    });
    expect(await pruneAuditEvents()).toBeGreaterThanOrEqual(1);
    expect(await prisma.auditEvent.findUnique({ where: { id: old.id } })).toBeNull();
    expect(await prisma.auditEvent.findUnique({ where: { id: recent.id } })).not.toBeNull();
  });
});
