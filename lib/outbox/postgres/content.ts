// The PostgreSQL engine's ContentStore (see outbox.ts): chunks of large content and the uploads
// that own some of them, shared by every machine on the database.
import type pg from "pg";
import type { UploadRecord } from "../outbox";
import { inTransaction } from "./transaction";

/**
 * A chunk is committed without waiting for the disk: its owner's row is written after it with a
 * durable commit, and PostgreSQL flushes its log in order, so the owner never outlives it.
 */
export async function writeChunk(pool: pg.Pool, ownerId: string, seq: number, data: Buffer) {
  await inTransaction(
    pool,
    (client) =>
      client.query(
        `INSERT INTO "ContentChunk" ("ownerId", seq, data, "createdAt") VALUES ($1, $2, $3, $4)
         ON CONFLICT ("ownerId", seq) DO UPDATE SET data = EXCLUDED.data`,
        [ownerId, seq, data, new Date()],
      ),
    { durable: false },
  );
}

export async function readChunk(pool: pg.Pool, ownerId: string, seq: number) {
  const { rows } = await pool.query<{ data: Buffer }>(
    `SELECT data FROM "ContentChunk" WHERE "ownerId" = $1 AND seq = $2`,
    [ownerId, seq],
  );
  return rows[0]?.data ?? null;
}

export async function deleteContent(pool: pg.Pool, ownerId: string) {
  await pool.query(`DELETE FROM "ContentChunk" WHERE "ownerId" = $1`, [ownerId]);
}

export async function addUpload(pool: pg.Pool, upload: UploadRecord) {
  await pool.query(
    `INSERT INTO "Upload" (id, "userId", filename, "contentType", size, "createdAt")
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [upload.id, upload.userId, upload.filename, upload.contentType, upload.size, upload.createdAt],
  );
}

export async function uploadsOf(pool: pg.Pool, userId: string, ids: string[]) {
  const { rows } = await pool.query<UploadRecord>(
    `SELECT id, "userId", filename, "contentType", size, "createdAt" FROM "Upload"
     WHERE "userId" = $1 AND id = ANY($2)`,
    [userId, ids],
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function uploadedBytes(pool: pg.Pool, userId: string) {
  const { rows } = await pool.query<{ bytes: number }>(
    `SELECT COALESCE(SUM(size), 0)::int AS bytes FROM "Upload" WHERE "userId" = $1`,
    [userId],
  );
  return rows[0]?.bytes ?? 0;
}

export async function deleteUploads(pool: pg.Pool, userId: string, ids: string[]) {
  await inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ id: string }>(
      `DELETE FROM "Upload" WHERE "userId" = $1 AND id = ANY($2) RETURNING id`,
      [userId, ids],
    );
    await client.query(`DELETE FROM "ContentChunk" WHERE "ownerId" = ANY($1)`, [
      rows.map((r) => r.id),
    ]);
  });
}

export async function sweepContent(pool: pg.Pool, uploadsBefore: Date, orphansBefore: Date) {
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ id: string }>(
      `DELETE FROM "Upload" WHERE "createdAt" < $1 RETURNING id`,
      [uploadsBefore],
    );
    const expired = await client.query(`DELETE FROM "ContentChunk" WHERE "ownerId" = ANY($1)`, [
      rows.map((r) => r.id),
    ]);
    // Chunks of nothing: their writer died, or their message is gone. Found by their first chunk.
    const orphans = await client.query(
      `DELETE FROM "ContentChunk" WHERE "ownerId" IN (
         SELECT c."ownerId" FROM "ContentChunk" c
         WHERE c.seq = 0 AND c."createdAt" < $1
           AND NOT EXISTS (SELECT 1 FROM "Upload" u WHERE u.id = c."ownerId")
           AND NOT EXISTS (SELECT 1 FROM "MessageContent" m WHERE m."contentId" = c."ownerId"))`,
      [orphansBefore],
    );
    return (expired.rowCount ?? 0) + (orphans.rowCount ?? 0);
  });
}
