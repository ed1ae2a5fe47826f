// Seeds a migrated database with a long message history (bench/history-rows.ts) for one user,
// plus a few other users whose messages are interleaved with theirs, straight through the
// driver: better-sqlite3 prepared statements in large transactions with synchronous=OFF on
// SQLite, multi-row INSERT … SELECT FROM unnest(…) on PostgreSQL. Values are stored as Prisma
// stores them (SQLite: ISO dates with "+00:00" and JSON text; PostgreSQL: timestamptz, jsonb),
// so the app reads them unchanged. Used by the history benchmark (bench/history-phase.ts), and
// on its own to fill a database for a look at a long history:
//   DATABASE_URL=file:./data/mailroom.db npx tsx bench/seed-history.ts --messages 100000 \
//     --email you@gmail.example
import { randomBytes } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { Client } from "pg";
import { databaseKind } from "../lib/database-url";
import {
  CONTENT_COLUMNS,
  EVENT_COLUMNS,
  historyBatches,
  idMaker,
  MESSAGE_COLUMNS,
  SEARCH_TERM_COLUMNS,
  storedDate,
  type HistoryBatch,
  type Row,
  type Sender,
} from "./history-rows";

export interface HistorySeedOptions {
  /** The measured user's messages. */
  messages: number;
  /** Their address: an existing user (and their Google account) is reused, else created. */
  ownerEmail?: string;
  /** Other users (default 3), whose messages are interleaved with the owner's… */
  otherUsers?: number;
  /** …and number this share of the owner's between them (default 0.1). */
  otherShare?: number;
  /** Also write MessageContent rows (the history list never reads them). */
  content?: boolean;
}

export interface SeededHistory {
  owner: Sender;
  messages: number;
  otherMessages: number;
  seconds: number;
}

/** An existing user with this address, and their first Google account if they have one. */
interface ExistingUser {
  userId: string;
  accountId: string | null;
}

/** What an engine does with the rows; every write of one batch commits together. */
interface HistoryWriter {
  findUser(email: string): Promise<ExistingUser | null>;
  insertSender(sender: Sender, at: string, withUser: boolean): Promise<void>;
  insertBatch(batch: HistoryBatch): Promise<void>;
  /** Leaves the database as a running app would find it after a bulk load. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

const BATCH = 10_000;

export async function seedHistory(
  databaseUrl: string,
  options: HistorySeedOptions,
): Promise<SeededHistory> {
  const started = performance.now();
  const writer =
    databaseKind(databaseUrl) === "sqlite"
      ? sqliteWriter(databaseUrl.slice("file:".length))
      : await postgresWriter(databaseUrl);
  const tag = randomBytes(6).toString("hex");
  const newId = idMaker(BigInt(`0x${tag}`).toString(36));
  const end = new Date();
  const now = storedDate(end.getTime());
  try {
    const owner = await ownerOf(writer, options.ownerEmail ?? `history-owner-${tag}@gmail.example`);
    const others: Sender[] = [];
    for (let i = 1; i <= (options.otherUsers ?? 3); i++) {
      const other = {
        userId: newId(end.getTime()),
        accountId: newId(end.getTime()),
        email: `history-other-${i}-${tag}@gmail.example`,
      };
      await writer.insertSender(other, now, true);
      others.push(other);
    }
    const otherMessages = others.length
      ? Math.round(options.messages * (options.otherShare ?? 0.1))
      : 0;
    const plan = {
      messages: options.messages,
      others,
      otherMessages,
      content: options.content ?? false,
      end,
    };
    for (const batch of historyBatches(plan, owner, newId, BATCH)) await writer.insertBatch(batch);
    await writer.settle();
    return {
      owner,
      messages: options.messages,
      otherMessages,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await writer.close();
  }

  /** The user with this address, given a Google account if they have none; or a new user. */
  async function ownerOf(writer: HistoryWriter, email: string): Promise<Sender> {
    const existing = await writer.findUser(email);
    if (existing?.accountId)
      return { userId: existing.userId, accountId: existing.accountId, email };
    const owner = {
      userId: existing?.userId ?? newId(end.getTime()),
      accountId: newId(end.getTime()),
      email,
    };
    await writer.insertSender(owner, now, !existing);
    return owner;
  }
}

const quoted = (columns: readonly string[]) => columns.map((c) => `"${c}"`).join(", ");

function sqliteWriter(file: string): HistoryWriter {
  const conn = new Database(path.resolve(file));
  conn.pragma("journal_mode = WAL");
  // A seed that dies midway is thrown away, so nothing needs to reach the disk before the end.
  conn.pragma("synchronous = OFF");
  conn.pragma("cache_size = -262144");
  conn.pragma("busy_timeout = 10000");
  const insert = (table: string, columns: readonly string[]) => {
    const statement = conn.prepare(
      `INSERT INTO "${table}" (${quoted(columns)}) VALUES (${columns.map(() => "?").join(", ")})`,
    );
    return (row: Row) => statement.run(row);
  };
  const message = insert("Message", MESSAGE_COLUMNS);
  const event = insert("MessageEvent", EVENT_COLUMNS);
  const content = insert("MessageContent", CONTENT_COLUMNS);
  const searchTerm = insert("MessageSearchTerm", SEARCH_TERM_COLUMNS);
  const user = insert("User", USER_COLUMNS);
  const account = insert("Account", ACCOUNT_COLUMNS);
  const writeBatch = conn.transaction((batch: HistoryBatch) => {
    for (const row of batch.messages) message(row);
    for (const row of batch.events) event(row);
    for (const row of batch.contents) content(row);
    for (const row of batch.searchTerms) searchTerm(row);
  });
  return {
    findUser: (email) =>
      Promise.resolve((conn.prepare(FIND_USER).get(email) as ExistingUser | undefined) ?? null),
    insertSender: (sender, at, withUser) => {
      conn.transaction(() => {
        if (withUser) user(userRow(sender, at));
        account(accountRow(sender, at));
      })();
      return Promise.resolve();
    },
    insertBatch: (batch) => {
      writeBatch(batch);
      return Promise.resolve();
    },
    settle: () => {
      // Folds the seed's write-ahead log into the database file, as the app's checkpoints would.
      conn.pragma("wal_checkpoint(TRUNCATE)");
      return Promise.resolve();
    },
    close: () => {
      conn.close();
      return Promise.resolve();
    },
  };
}

// Each column's type on PostgreSQL, for unnest's arrays; the others are text.
const POSTGRES_TYPES: Record<string, string> = {
  sizeBytes: "integer",
  recipientCount: "integer",
  attempts: "integer",
  lastSmtpCode: "integer",
  smtpCode: "integer",
  nextAttemptAt: "timestamptz",
  sentAt: "timestamptz",
  createdAt: "timestamptz",
  updatedAt: "timestamptz",
  to: "jsonb",
  cc: "jsonb",
  bcc: "jsonb",
  mime: "bytea",
};

async function postgresWriter(url: string): Promise<HistoryWriter> {
  const client = new Client({ connectionString: url });
  await client.connect();
  // One statement per table and batch: every column as one array parameter, zipped by unnest.
  const insert = async (table: string, columns: readonly string[], rows: Row[]) => {
    if (!rows.length) return;
    const arrays = columns.map((_, i) => rows.map((row) => row[i]));
    const casts = columns.map((c, i) => `$${i + 1}::${POSTGRES_TYPES[c] ?? "text"}[]`);
    await client.query(
      `INSERT INTO "${table}" (${quoted(columns)}) SELECT * FROM unnest(${casts.join(", ")})`,
      arrays,
    );
  };
  return {
    findUser: async (email) =>
      (await client.query<ExistingUser>(FIND_USER.replace("?", "$1"), [email])).rows[0] ?? null,
    insertSender: async (sender, at, withUser) => {
      await client.query("BEGIN");
      if (withUser) await insert("User", USER_COLUMNS, [userRow(sender, at)]);
      await insert("Account", ACCOUNT_COLUMNS, [accountRow(sender, at)]);
      await client.query("COMMIT");
    },
    insertBatch: async (batch) => {
      await client.query("BEGIN");
      await insert("Message", MESSAGE_COLUMNS, batch.messages);
      await insert("MessageEvent", EVENT_COLUMNS, batch.events);
      await insert("MessageContent", CONTENT_COLUMNS, batch.contents);
      await insert("MessageSearchTerm", SEARCH_TERM_COLUMNS, batch.searchTerms);
      await client.query("COMMIT");
    },
    settle: async () => {
      // What autovacuum does after a bulk load: planner statistics and the visibility map.
      await client.query(
        'VACUUM ANALYZE "Message", "MessageEvent", "MessageContent", "MessageSearchTerm"',
      );
    },
    close: () => client.end(),
  };
}

// The user's first Google account, as the outbox's senderOf picks it.
const FIND_USER = `SELECT u."id" AS "userId", a."id" AS "accountId"
  FROM "User" u LEFT JOIN "Account" a ON a."userId" = u."id" AND a."provider" = 'google'
  WHERE u."email" = ? ORDER BY a."createdAt" LIMIT 1`;

const USER_COLUMNS = ["id", "email", "createdAt", "updatedAt"] as const;
const ACCOUNT_COLUMNS = [
  "id",
  "userId",
  "provider",
  "providerAccountId",
  "email",
  "scope",
  "createdAt",
  "updatedAt",
] as const;

function userRow(sender: Sender, at: string): Row {
  return [sender.userId, sender.email, at, at];
}

function accountRow(sender: Sender, at: string): Row {
  const scope = "openid email profile https://mail.google.com/";
  return [
    sender.accountId,
    sender.userId,
    "google",
    `sub-${sender.email}`,
    sender.email,
    scope,
    at,
    at,
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { values } = parseArgs({
    options: {
      messages: { type: "string", default: "100000" },
      email: { type: "string" },
      content: { type: "boolean", default: false },
    },
  });
  const databaseUrl = process.env.DATABASE_URL;
  const messages = Number(values.messages);
  if (!databaseUrl || !Number.isInteger(messages) || messages < 1) {
    console.error(
      "usage: DATABASE_URL=… npx tsx bench/seed-history.ts [--messages N] [--email ADDRESS] [--content]",
    );
    process.exit(2);
  }
  const seeded = await seedHistory(databaseUrl, {
    messages,
    ownerEmail: values.email,
    content: values.content,
  });
  console.log(
    `${seeded.messages} messages for ${seeded.owner.email} and ${seeded.otherMessages} of other ` +
      `users in ${seeded.seconds.toFixed(1)} s`,
  );
}
