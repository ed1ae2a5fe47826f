// The names of the user's API keys that messages name as their source, for the history and the API.
import "server-only";
import { db } from "../db";
import { decodeSource } from "../outbox/message-source";

export async function keyNamesFor(userId: string, sources: string[]): Promise<Map<string, string>> {
  const ids = [...new Set(sources.map((s) => decodeSource(s).apiKeyId))].filter(
    (id): id is string => id !== undefined,
  );
  if (ids.length === 0) return new Map();
  const prisma = await db();
  const keys = await prisma.apiKey.findMany({
    where: { userId, id: { in: ids } },
    select: { id: true, name: true },
  });
  return new Map(keys.map((k) => [k.id, k.name]));
}
