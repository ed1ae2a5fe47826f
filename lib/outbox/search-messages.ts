// The history's search: the ids of a page of the user's messages whose terms (recipient addresses
// and subject words, lib/outbox/search-terms.ts) start with every word searched for, newest
// first. One SQL text serves both databases; only placeholders and date parameters differ.
//
// A word that few messages match is looked up on the (userId, term) index and its hits sorted.
// One that many match (counted on the index, no further than SPARSE_HITS) is first checked
// message by message while the newest WINDOW_ROWS messages are read, where a page usually fills
// after a few rows; if it does not (a word common only long ago), its newest hits are taken from
// the index by the time each carries; and if too few of those pass the filters, all its hits are
// sorted, at a cost in proportion to their number.
import "server-only";
import type { Db } from "../db";
import type { ListedMessage } from "./message-views";
import type { ListOptions } from "./outbox";
import type { PageStart } from "./read-messages";
import { prefixRange, searchWords } from "./search-terms";

/** Up to this many term hits are sorted; beyond it the history is read in order first. */
export const SPARSE_HITS = 5_000;
/** How many of the newest messages that read goes through before sorting the hits instead. */
export const WINDOW_ROWS = 5_000;
/** Then this many of the lead word's newest hits per row of the page are tried. */
export const NEWEST_HITS_PER_ROW = 4;

type Dialect = "sqlite" | "postgres";

function dialectOf(prisma: Db): Dialect {
  const provider = (prisma as unknown as { _activeProvider?: string })._activeProvider;
  return provider === "postgresql" ? "postgres" : "sqlite";
}

/** Collects parameters as the SQL text is written, in the dialect's placeholder style. */
class Sql {
  readonly params: unknown[] = [];
  constructor(private readonly dialect: Dialect) {}

  value(v: string | number): string {
    this.params.push(v);
    return this.dialect === "sqlite" ? "?" : `$${this.params.length}`;
  }

  /** A DateTime as each engine stores it: SQLite's text (lib/outbox/sqlite/sql.ts), timestamptz. */
  date(d: Date): string {
    if (this.dialect === "sqlite") return this.value(d.toISOString().replace("Z", "+00:00"));
    return `${this.value(d.toISOString())}::timestamptz`;
  }

  /** Messages (alias m) with a term starting with `word`. */
  hasTerm(word: string): string {
    const { low, high } = prefixRange(word);
    return `EXISTS (SELECT 1 FROM "MessageSearchTerm" t WHERE t."messageId" = m."id"
      AND t."term" >= ${this.value(low)} AND t."term" < ${this.value(high)})`;
  }
}

function filters(sql: Sql, userId: string, options: ListOptions, start?: PageStart): string[] {
  const where = [`m."userId" = ${sql.value(userId)}`];
  if (options.status === "scheduled") {
    where.push(`m."status" = 'queued'`, `m."scheduledAt" > ${sql.date(new Date())}`);
  } else if (options.status) where.push(`m."status" = ${sql.value(options.status)}`);
  if (options.source === "web") where.push(`m."source" = 'web'`);
  else if (options.source) where.push(`m."source" LIKE ${sql.value(`${options.source}:%`)}`);
  if (options.since) where.push(`m."createdAt" >= ${sql.date(options.since)}`);
  if (options.until) where.push(`m."createdAt" < ${sql.date(options.until)}`);
  if (start) {
    const [bound, strict] = start.newer ? [">=", ">"] : ["<=", "<"];
    where.push(`m."createdAt" ${bound} ${sql.date(start.createdAt)}`);
    where.push(
      `(m."createdAt" ${strict} ${sql.date(start.createdAt)} OR m."id" ${strict} ${sql.value(start.id)})`,
    );
  }
  return where;
}

/** How the search picks its plan; tests lower these to run every plan on a small history. */
export interface SearchTuning {
  /** Up to this many hits of the lead word are sorted; beyond it the history is read in order. */
  sparseHits: number;
  /** The newest messages (of those the filters allow) read in order before falling back. */
  windowRows: number;
  /** The lead word's newest hits tried next, per row of the page. */
  newestHitsPerRow: number;
}

export const SEARCH_TUNING: SearchTuning = {
  sparseHits: SPARSE_HITS,
  windowRows: WINDOW_ROWS,
  newestHitsPerRow: NEWEST_HITS_PER_ROW,
};

export async function searchMessageIds(
  prisma: Db,
  userId: string,
  options: ListOptions & { query: string },
  start: PageStart | undefined,
  take: number,
  tuning: SearchTuning = SEARCH_TUNING,
): Promise<string[]> {
  const words = searchWords(options.query);
  if (words.length === 0) return [];
  const dialect = dialectOf(prisma);
  // The longest word is likely the rarest: it leads, the others are checked per message.
  const [lead, ...rest] = [...words].sort((a, b) => b.length - a.length) as [string, ...string[]];
  const order = start?.newer ? "ASC" : "DESC";
  const range = prefixRange(lead);
  const run = async (sql: Sql, text: string) => {
    const rows = await prisma.$queryRawUnsafe<{ id: string }[]>(
      `${text} ORDER BY m."createdAt" ${order}, m."id" ${order} LIMIT ${sql.value(take)}`,
      ...sql.params,
    );
    return rows.map((r) => r.id);
  };

  const count = new Sql(dialect);
  const [counted] = await prisma.$queryRawUnsafe<{ hits: number | bigint }[]>(
    `SELECT COUNT(*) AS "hits" FROM (SELECT 1 FROM "MessageSearchTerm"
       WHERE "userId" = ${count.value(userId)} AND "term" >= ${count.value(range.low)}
         AND "term" < ${count.value(range.high)} LIMIT ${count.value(tuning.sparseHits + 1)}) h`,
    ...count.params,
  );
  if (Number(counted?.hits ?? 0) > tuning.sparseHits) {
    // Many hits: most pages fill from the newest messages the filters allow. Read no more than
    // a window of them, so a word common only long ago does not walk the whole history.
    const sql = new Sql(dialect);
    const window = `SELECT m."id", m."createdAt" FROM "Message" m
      WHERE ${filters(sql, userId, options, start).join(" AND ")}
      ORDER BY m."createdAt" ${order}, m."id" ${order} LIMIT ${sql.value(tuning.windowRows)}`;
    const checks = [lead, ...rest].map((w) => sql.hasTerm(w));
    const ids = await run(sql, `SELECT m."id" FROM (${window}) m WHERE ${checks.join(" AND ")}`);
    if (ids.length === take) return ids;
    // Then the lead word's newest hits, by the time each hit carries, read from the index alone:
    // if enough of them pass, no other match can be newer than the page they make.
    const newest = new Sql(dialect);
    const bound = start
      ? [
          `h."createdAt" ${start.newer ? ">=" : "<="} ${newest.date(start.createdAt)}`,
          `(h."createdAt" ${start.newer ? ">" : "<"} ${newest.date(start.createdAt)} OR ` +
            `h."messageId" ${start.newer ? ">" : "<"} ${newest.value(start.id)})`,
        ]
      : [];
    const candidates = `SELECT h."messageId" FROM "MessageSearchTerm" h
      WHERE h."userId" = ${newest.value(userId)} AND h."term" >= ${newest.value(range.low)}
        AND h."term" < ${newest.value(range.high)} ${bound.map((b) => `AND ${b}`).join(" ")}
      ORDER BY h."createdAt" ${order}, h."messageId" ${order}
      LIMIT ${newest.value(take * tuning.newestHitsPerRow)}`;
    const where = [`m."id" = c."messageId"`, ...filters(newest, userId, options, start)];
    where.push(...rest.map((w) => newest.hasTerm(w)));
    const fromNewest = await run(
      newest,
      `SELECT DISTINCT m."id", m."createdAt" FROM (${candidates}) c CROSS JOIN "Message" m
       WHERE ${where.join(" AND ")}`,
    );
    if (fromNewest.length === take) return fromNewest;
  }
  // The lead word's messages (CROSS JOIN keeps that order on SQLite), each then read by id.
  const sql = new Sql(dialect);
  const hits = `SELECT DISTINCT h."messageId" FROM "MessageSearchTerm" h
    WHERE h."userId" = ${sql.value(userId)} AND h."term" >= ${sql.value(range.low)}
      AND h."term" < ${sql.value(range.high)}`;
  const where = [`m."id" = c."messageId"`, ...filters(sql, userId, options, start)];
  where.push(...rest.map((w) => sql.hasTerm(w)));
  return run(
    sql,
    `SELECT m."id" FROM (${hits}) c CROSS JOIN "Message" m WHERE ${where.join(" AND ")}`,
  );
}

interface ListedRow {
  id: string;
  userId: string;
  status: string;
  source: string;
  to: unknown;
  displayNames: unknown;
  subject: string;
  createdAt: Date | string;
  sentAt: Date | string | null;
  attempts: number | bigint;
  nextAttemptAt: Date | string;
  scheduledAt: Date | string | null;
  lastSmtpCode: number | bigint | null;
  lastSmtpReply: string | null;
  lastError: string | null;
  reconnectReason: string | null;
  pauseReason: string | null;
  nextSendAt: Date | string | null;
}

const date = (value: Date | string) => (value instanceof Date ? value : new Date(value));
const maybeDate = (value: Date | string | null) => (value === null ? null : date(value));

/**
 * The user's messages with these ids, as the history lists them (message-views.ts listedMessage),
 * in the order of `ids`. In SQL with the ids spelled out: Prisma's `userId = … AND id IN (…)`
 * took hundreds of milliseconds on SQLite against a long history.
 */
export async function readListed(
  prisma: Db,
  userId: string,
  ids: string[],
): Promise<ListedMessage[]> {
  if (ids.length === 0) return [];
  const sql = new Sql(dialectOf(prisma));
  const list = ids.map((id) => sql.value(id)).join(", ");
  const rows = await prisma.$queryRawUnsafe<ListedRow[]>(
    `SELECT m."id", m."userId", m."status", m."source", m."to", m."displayNames", m."subject",
       m."createdAt", m."sentAt",
       m."attempts", m."nextAttemptAt", m."scheduledAt", m."lastSmtpCode", m."lastSmtpReply",
       m."lastError", a."reconnectReason", a."pauseReason", a."nextSendAt"
     FROM "Message" m JOIN "Account" a ON a."id" = m."accountId"
     WHERE m."id" IN (${list})`,
    ...sql.params,
  );
  const byId = new Map(
    rows
      // The owner checked here rather than in SQL, where it drew SQLite's plan to the user's
      // index: every row of the user's history was read to find a few ids.
      .filter((r) => r.userId === userId)
      .map((r) => [r.id, r]),
  );
  return ids.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    return [
      {
        id: r.id,
        status: r.status,
        source: r.source,
        to: typeof r.to === "string" ? (JSON.parse(r.to) as string[]) : (r.to as string[]),
        displayNames: (typeof r.displayNames === "string"
          ? JSON.parse(r.displayNames)
          : r.displayNames) as ListedMessage["displayNames"],
        subject: r.subject,
        createdAt: date(r.createdAt),
        sentAt: maybeDate(r.sentAt),
        attempts: Number(r.attempts),
        nextAttemptAt: date(r.nextAttemptAt),
        scheduledAt: maybeDate(r.scheduledAt),
        lastSmtpCode: r.lastSmtpCode === null ? null : Number(r.lastSmtpCode),
        lastSmtpReply: r.lastSmtpReply,
        lastError: r.lastError,
        account: {
          reconnectReason: r.reconnectReason,
          pauseReason: r.pauseReason,
          nextSendAt: maybeDate(r.nextSendAt),
        },
      },
    ];
  });
}
