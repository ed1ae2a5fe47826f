// Seeds a signed-in user straight into the running app's database (user, Google account row,
// session stored as its hash), for tests that drive the app over HTTP without a browser.
import { randomBytes, randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import { hashSessionToken } from "../../../lib/auth/session-token";

export const SESSION_COOKIE = "next-auth.session-token";

export interface SeededUser {
  id: string;
  email: string;
  /** The value of the session cookie. */
  sessionToken: string;
  /** A Cookie header that signs this user in. */
  cookie: string;
}

const iso = (date: Date) => date.toISOString().replace("Z", "+00:00");
const cuid = () =>
  "c" +
  randomBytes(18)
    .toString("hex")
    .replace(/[^0-9a-z]/g, "")
    .slice(0, 24);

/** The account has no Google tokens: nothing it holds is ever due, so no worker touches it. */
export function seedSignedInUser(databaseFile: string, email: string): SeededUser {
  const sqlite = new Database(databaseFile);
  try {
    const now = iso(new Date());
    const id = cuid();
    const sessionToken = randomUUID();
    sqlite
      .prepare(`INSERT INTO "User" (id, email, createdAt, updatedAt) VALUES (?, ?, ?, ?)`)
      .run(id, email, now, now);
    sqlite
      .prepare(
        `INSERT INTO "Account" (id, userId, provider, providerAccountId, email, scope, createdAt, updatedAt)
         VALUES (?, ?, 'google', ?, ?, 'openid email profile https://mail.google.com/', ?, ?)`,
      )
      .run(cuid(), id, `sub-${email}`, email, now, now);
    sqlite
      .prepare(`INSERT INTO "Session" (id, tokenHash, userId, expires) VALUES (?, ?, ?, ?)`)
      .run(cuid(), hashSessionToken(sessionToken), id, iso(new Date(Date.now() + 86_400_000)));
    return { id, email, sessionToken, cookie: `${SESSION_COOKIE}=${sessionToken}` };
  } finally {
    sqlite.close();
  }
}

/** Runs a write against the app's database (e.g. to put a message in the "deferred" state). */
export function writeDatabase(databaseFile: string, sql: string, ...params: unknown[]): void {
  const sqlite = new Database(databaseFile);
  try {
    sqlite.prepare(sql).run(...params);
  } finally {
    sqlite.close();
  }
}

/** Puts a message in "deferred" with its next attempt a day away: the state "Retry now" acts on. */
export function deferForADay(databaseFile: string, messageId: string): void {
  writeDatabase(
    databaseFile,
    `UPDATE "Message" SET status = 'deferred', nextAttemptAt = ? WHERE id = ?`,
    new Date(Date.now() + 86_400_000).toISOString().replace("Z", "+00:00"),
    messageId,
  );
}
