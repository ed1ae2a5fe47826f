// Revokes one of the user's API keys: from the next request on, it is refused.
import "server-only";
import { recordAuditEvent } from "../audit/record-audit-event";
import { db } from "../db";
import { AppError } from "../errors/app-error";

export async function revokeApiKey(userId: string, id: string): Promise<void> {
  const prisma = await db();
  await prisma.$transaction(async (tx) => {
    const key = await tx.apiKey.findFirst({
      where: { id, userId },
      select: { name: true, prefix: true, revokedAt: true },
    });
    if (!key) throw new AppError("not_found", "API key not found.");
    if (key.revokedAt) return;
    await tx.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
    await recordAuditEvent(tx, {
      kind: "api_key_revoked",
      userId,
      detail: `"${key.name}" (${key.prefix}…)`,
    });
  });
}
