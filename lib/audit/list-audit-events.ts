// Reads the audit log for the audit page: the user's own events and the server-wide ones that
// belong to no user (refused sign-ins by people who are not users, key rotations), newest first.
import "server-only";
import { db } from "../db";
import type { AuditKind } from "./audit-kinds";

const PAGE_SIZE = 50;

export async function listAuditEvents(
  userId: string,
  options: { kind?: AuditKind; cursor?: string } = {},
) {
  const prisma = await db();
  const where = {
    OR: [{ userId }, { userId: null }],
    ...(options.kind ? { kind: options.kind } : {}),
  };
  // A cursor counts only when it names an event this user may see; otherwise the first page.
  const cursor = options.cursor
    ? await prisma.auditEvent.findFirst({
        where: { ...where, id: options.cursor },
        select: { id: true, createdAt: true },
      })
    : null;
  const rows = await prisma.auditEvent.findMany({
    // After the cursor in (createdAt, id) order, with the bound on createdAt on its own so an
    // index on createdAt starts the scan at the cursor (as the history's pages do).
    where: cursor
      ? {
          ...where,
          createdAt: { lte: cursor.createdAt },
          AND: [{ OR: [{ createdAt: { lt: cursor.createdAt } }, { id: { lt: cursor.id } }] }],
        }
      : where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: PAGE_SIZE + 1,
    select: {
      id: true,
      kind: true,
      email: true,
      detail: true,
      ip: true,
      userAgent: true,
      createdAt: true,
    },
  });
  const events = rows.slice(0, PAGE_SIZE);
  return { events, nextCursor: rows.length > PAGE_SIZE ? events.at(-1)?.id : undefined };
}
