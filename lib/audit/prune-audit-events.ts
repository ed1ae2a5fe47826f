// Deletes audit events older than AUDIT_RETENTION_DAYS. Runs at start and hourly in each web
// process; deleting the same old rows twice is harmless.
import "server-only";
import { db } from "../db";
import { env } from "../env";

const HOUR_MS = 3_600_000;

export async function pruneAuditEvents(now = new Date()): Promise<number> {
  const prisma = await db();
  const before = new Date(now.getTime() - env().AUDIT_RETENTION_DAYS * 24 * HOUR_MS);
  const { count } = await prisma.auditEvent.deleteMany({ where: { createdAt: { lt: before } } });
  return count;
}

export function startAuditPruning(): void {
  const prune = () =>
    pruneAuditEvents().catch((error: unknown) =>
      console.error("audit: pruning failed:", error instanceof Error ? error.message : error),
    );
  void prune();
  setInterval(() => void prune(), HOUR_MS).unref();
}
