// Appends a security event to the audit log. Pass the transaction client of the change being
// recorded, so the event and the change commit together or not at all.
import "server-only";
import type { Prisma } from "../generated/prisma/client";
import type { AuditKind } from "./audit-kinds";
import { requestOrigin } from "./request-origin";

export interface AuditEntry {
  kind: AuditKind;
  userId?: string | null;
  email?: string | null;
  detail?: string | null;
}

type AuditWriter = {
  auditEvent: { create(args: { data: Prisma.AuditEventUncheckedCreateInput }): Promise<unknown> };
};

const MAX_TEXT = 500;

export async function recordAuditEvent(client: AuditWriter, entry: AuditEntry): Promise<void> {
  const origin = await requestOrigin();
  await client.auditEvent.create({
    data: {
      kind: entry.kind,
      userId: entry.userId ?? null,
      email: entry.email?.slice(0, MAX_TEXT) ?? null,
      detail: entry.detail?.slice(0, MAX_TEXT) ?? null,
      ip: origin.ip?.slice(0, 100) ?? null,
      userAgent: origin.userAgent?.slice(0, MAX_TEXT) ?? null,
    },
  });
}
