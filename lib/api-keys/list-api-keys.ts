// The user's API keys for the settings page, newest first: never their hashes.
import "server-only";
import { db } from "../db";

export async function listApiKeys(userId: string) {
  const prisma = await db();
  const rows = await prisma.apiKey.findMany({
    where: { userId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: {
      id: true,
      name: true,
      prefix: true,
      permission: true,
      allowedFrom: true,
      createdAt: true,
      lastUsedAt: true,
      lastUsedSource: true,
      lastUsedIp: true,
      revokedAt: true,
    },
  });
  return rows.map((row) => ({ ...row, allowedFrom: stringList(row.allowedFrom) }));
}

export type ListedApiKey = Awaited<ReturnType<typeof listApiKeys>>[number];

export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
