// The SQLite engine's ContentStore statements (see outbox.ts): chunks of large content and the
// uploads that own some of them, run by the outbox's database thread like every other write.
import type BetterSqlite3 from "better-sqlite3";
import type { UploadRecord } from "../outbox";

type Conn = BetterSqlite3.Database;

/** A DateTime column value in Prisma's SQLite format. */
function sqlDate(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

const statements = new WeakMap<Conn, ReturnType<typeof prepare>>();

function prepare(conn: Conn) {
  const s = (sql: string) => conn.prepare(sql).safeIntegers(false);
  return {
    insertChunk: s(`INSERT OR REPLACE INTO ContentChunk (ownerId, seq, data, createdAt)
                    VALUES (?, ?, ?, ?)`),
    chunk: s(`SELECT data FROM ContentChunk WHERE ownerId = ? AND seq = ?`).pluck(),
    deleteChunks: s(`DELETE FROM ContentChunk WHERE ownerId = ?`),
    insertUpload: s(`INSERT INTO Upload (id, userId, filename, contentType, size, createdAt)
                     VALUES (@id, @userId, @filename, @contentType, @size, @createdAt)`),
    upload: s(`SELECT id, userId, filename, contentType, size, createdAt FROM Upload
               WHERE id = ? AND userId = ?`),
    uploadedBytes: s(`SELECT COALESCE(SUM(size), 0) FROM Upload WHERE userId = ?`).pluck(),
    deleteUpload: s(`DELETE FROM Upload WHERE id = ? AND userId = ?`),
    expiredUploads: s(`SELECT id FROM Upload WHERE createdAt < ?`).pluck(),
    deleteUploadById: s(`DELETE FROM Upload WHERE id = ?`),
    // Chunks of nothing: their writer died, or their message is gone. Found by their first chunk.
    orphans: s(`SELECT c.ownerId FROM ContentChunk c
                WHERE c.seq = 0 AND c.createdAt < ?
                  AND NOT EXISTS (SELECT 1 FROM Upload u WHERE u.id = c.ownerId)
                  AND NOT EXISTS (SELECT 1 FROM MessageContent m WHERE m.contentId = c.ownerId)`).pluck(),
  };
}

function stmts(conn: Conn) {
  let s = statements.get(conn);
  if (!s) statements.set(conn, (s = prepare(conn)));
  return s;
}

export function writeChunk(conn: Conn, ownerId: string, seq: number, data: Buffer): void {
  stmts(conn).insertChunk.run(ownerId, seq, data, sqlDate(new Date()));
}

export function readChunk(conn: Conn, ownerId: string, seq: number): Buffer | null {
  return (stmts(conn).chunk.get(ownerId, seq) as Buffer | undefined) ?? null;
}

export function deleteContent(conn: Conn, ownerId: string): void {
  stmts(conn).deleteChunks.run(ownerId);
}

export function addUpload(conn: Conn, upload: UploadRecord): void {
  stmts(conn).insertUpload.run({ ...upload, createdAt: sqlDate(upload.createdAt) });
}

interface UploadRow extends Omit<UploadRecord, "createdAt"> {
  createdAt: string;
}

export function uploadsOf(conn: Conn, userId: string, ids: string[]): UploadRecord[] {
  const s = stmts(conn);
  return ids.flatMap((id) => {
    const row = s.upload.get(id, userId) as UploadRow | undefined;
    return row ? [{ ...row, createdAt: new Date(row.createdAt) }] : [];
  });
}

export function uploadedBytes(conn: Conn, userId: string): number {
  return stmts(conn).uploadedBytes.get(userId) as number;
}

export function deleteUploads(conn: Conn, userId: string, ids: string[]): void {
  const s = stmts(conn);
  for (const id of ids) {
    if (s.deleteUpload.run(id, userId).changes > 0) s.deleteChunks.run(id);
  }
}

export function sweepContent(conn: Conn, uploadsBefore: Date, orphansBefore: Date): number {
  const s = stmts(conn);
  let chunks = 0;
  for (const id of s.expiredUploads.all(sqlDate(uploadsBefore)) as string[]) {
    s.deleteUploadById.run(id);
    chunks += s.deleteChunks.run(id).changes;
  }
  for (const owner of s.orphans.all(sqlDate(orphansBefore)) as string[]) {
    chunks += s.deleteChunks.run(owner).changes;
  }
  return chunks;
}
