// The history page's server time at each size of history: every history is seeded into a fresh
// database (bench/seed-history.ts), then the page's read — readMessagePage, which the outbox's
// list() runs for app/(dashboard)/history/page.tsx — is timed for the first page, for a page
// deep in the history through its cursor, and for the first page of each search in
// HISTORY_SEARCHES. The histories take turns, ten loads at a time, so a change in the machine's
// load falls on all of them alike.
import { rmSync, statSync } from "node:fs";
import path from "node:path";
import { openDb, type Db } from "../lib/db";
import { PAGE_SIZE } from "../lib/outbox/message-views";
import { readMessagePage } from "../lib/outbox/read-messages";
import { createTestDatabase } from "../tests/support/test-app-env";
import { createTestPostgresDatabase } from "../tests/support/test-postgres";
import { searchTermsOf, searchWords } from "../lib/outbox/search-terms";
import { summarizeLatencies } from "./percentile";
import type { HistoryResult, HistorySizeResult, HistorySpec } from "./phase-types";
import { seedHistory, type SeededHistory } from "./seed-history";

/** The deep page starts after the message this far down the owner's history. */
const DEEP = 0.9;
const TURN = 10;
const WARM_UP = 20;

interface History {
  seeded: SeededHistory;
  prisma: Db;
  databaseBytes: number;
  deepPosition: number;
  cursor: string;
  firstMs: number[];
  deepMs: number[];
  searchMs: number[][];
  searchFound: number[];
}

interface ScratchDatabase {
  url: string;
  bytes(prisma: Db): Promise<number>;
  drop(): Promise<void>;
}

async function scratchDatabase(spec: HistorySpec): Promise<ScratchDatabase> {
  if (spec.db === "sqlite") {
    const { url, file } = createTestDatabase();
    return {
      url,
      bytes: () => Promise.resolve(statSync(file).size),
      drop: () => Promise.resolve(rmSync(path.dirname(file), { recursive: true, force: true })),
    };
  }
  const database = await createTestPostgresDatabase({ baseUrl: spec.postgresUrl });
  return {
    url: database.url,
    bytes: async (prisma) => {
      const [row] = await prisma.$queryRawUnsafe<{ bytes: number }[]>(
        "SELECT pg_database_size(current_database())::float8 AS bytes",
      );
      return row?.bytes ?? 0;
    },
    drop: () => database.drop(),
  };
}

/**
 * What the search is timed with, on bench/history-rows.ts's messages (to recipient-<k % 5000>,
 * subject "Order <100000 + k> confirmation"): an address, a prefix of 111 addresses, one
 * subject number, a word of every subject, and a prefix common only among old messages (the
 * search's slowest plan: its hits are sorted).
 */
export const HISTORY_SEARCHES = [
  { label: "recipient address", query: "recipient-1234@example.org" },
  { label: "recipient prefix", query: "recipient-12" },
  { label: "subject number", query: "654321" },
  { label: "subject word in all", query: "confirmation" },
  { label: "subject prefix, old hits", query: "10" },
] as const;

const NEWEST_FIRST = [{ createdAt: "desc" as const }, { id: "desc" as const }];

/** What the pages must show, read the slow, obvious way (OFFSET), before anything is timed. */
async function checkPages(history: History, problems: string[]): Promise<void> {
  const { prisma, seeded, deepPosition, cursor } = history;
  const where = { userId: seeded.owner.userId };
  const ids = (rows: { id: string }[]) => rows.map((r) => r.id).join();
  const label = `${seeded.messages} messages`;

  const owned = await prisma.message.count({ where });
  if (owned !== seeded.messages) problems.push(`${label}: the owner has ${owned} messages`);
  const first = await readMessagePage(prisma, seeded.owner.userId);
  const firstExpected = await prisma.message.findMany({
    where,
    orderBy: NEWEST_FIRST,
    take: PAGE_SIZE,
    select: { id: true },
  });
  if (ids(first.messages) !== ids(firstExpected) || !first.nextCursor) {
    problems.push(`${label}: the first page is not the owner's newest ${PAGE_SIZE}`);
  }
  const deep = await readMessagePage(prisma, seeded.owner.userId, { cursor });
  const deepExpected = await prisma.message.findMany({
    where,
    orderBy: NEWEST_FIRST,
    skip: deepPosition + 1,
    take: PAGE_SIZE,
    select: { id: true },
  });
  if (deep.cursorIgnored || ids(deep.messages) !== ids(deepExpected)) {
    problems.push(`${label}: the page after message ${deepPosition} is not the next ones`);
  }
  for (const search of HISTORY_SEARCHES) {
    const page = await readMessagePage(prisma, seeded.owner.userId, { query: search.query });
    history.searchFound.push(page.messages.length);
    const words = searchWords(search.query);
    const wrong = page.messages.filter((m) => {
      const terms = searchTermsOf({ to: m.to as string[], cc: [], bcc: [], subject: m.subject });
      return !words.every((w) => terms.some((t) => t.startsWith(w)));
    });
    const newestFirst = page.messages.every(
      (m, i, all) => i === 0 || all[i - 1]!.createdAt >= m.createdAt,
    );
    if (wrong.length > 0 || !newestFirst) {
      problems.push(`${label}: the search "${search.query}" found messages it should not have`);
    }
    const owned = await prisma.message.count({
      where: { userId: seeded.owner.userId, id: { in: page.messages.map((m) => m.id) } },
    });
    if (owned !== page.messages.length) {
      problems.push(`${label}: the search "${search.query}" found another user's messages`);
    }
  }
}

async function pageLoadMs(history: History, cursor?: string, query?: string): Promise<number> {
  const started = performance.now();
  await readMessagePage(history.prisma, history.seeded.owner.userId, { cursor, query });
  return performance.now() - started;
}

async function searchLoads(history: History): Promise<void> {
  for (const [i, search] of HISTORY_SEARCHES.entries()) {
    history.searchMs[i]!.push(await pageLoadMs(history, undefined, search.query));
  }
}

export async function runHistoryPhase(spec: HistorySpec): Promise<HistoryResult> {
  const databases: ScratchDatabase[] = [];
  const clients: Db[] = [];
  const histories: History[] = [];
  const problems: string[] = [];
  try {
    for (const messages of spec.sizes) {
      const database = await scratchDatabase(spec);
      databases.push(database);
      process.stderr.write(`history: seeding ${messages} messages on ${spec.db}… `);
      const seeded = await seedHistory(database.url, { messages });
      process.stderr.write(`${seeded.seconds.toFixed(1)} s\n`);
      const prisma = await openDb(database.url);
      clients.push(prisma);
      const deepPosition = Math.floor(messages * DEEP);
      const atDepth = await prisma.message.findFirst({
        where: { userId: seeded.owner.userId },
        orderBy: NEWEST_FIRST,
        skip: deepPosition,
        select: { id: true },
      });
      const history: History = {
        seeded,
        prisma,
        databaseBytes: await database.bytes(prisma),
        deepPosition,
        cursor: atDepth?.id ?? "",
        firstMs: [],
        deepMs: [],
        searchMs: HISTORY_SEARCHES.map(() => []),
        searchFound: [],
      };
      histories.push(history);
      await checkPages(history, problems);
    }

    for (const history of histories) {
      for (let i = 0; i < WARM_UP; i++) {
        await pageLoadMs(history);
        await pageLoadMs(history, history.cursor);
        for (const search of HISTORY_SEARCHES) await pageLoadMs(history, undefined, search.query);
      }
    }
    process.stderr.write(`history: timing ${spec.samples} loads of each page… `);
    for (let done = 0; done < spec.samples; done += TURN) {
      for (const history of histories) {
        for (let i = 0; i < Math.min(TURN, spec.samples - done); i++) {
          history.firstMs.push(await pageLoadMs(history));
          history.deepMs.push(await pageLoadMs(history, history.cursor));
          await searchLoads(history);
        }
      }
    }
    process.stderr.write("done\n");

    return {
      spec,
      sizes: histories.map((h): HistorySizeResult => ({
        messages: h.seeded.messages,
        otherMessages: h.seeded.otherMessages,
        seedSeconds: h.seeded.seconds,
        databaseBytes: h.databaseBytes,
        firstPage: summarizeLatencies(h.firstMs),
        deepPage: summarizeLatencies(h.deepMs),
        deepPosition: h.deepPosition,
        searches: HISTORY_SEARCHES.map((search, i) => ({
          ...search,
          found: h.searchFound[i] ?? 0,
          latency: summarizeLatencies(h.searchMs[i]!),
        })),
      })),
      correctness: { ok: problems.length === 0, problems },
    };
  } finally {
    for (const prisma of clients) await prisma.$disconnect();
    for (const database of databases) await database.drop();
  }
}
