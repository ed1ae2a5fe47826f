// What a crash test needs to put a worker at an exact point before killing it: polling for a
// condition, holding SQLite's write lock so a commit cannot land, and seeing (on Linux) that a
// process is asleep inside SQLite's busy handler, i.e. blocked on that lock.
import { readdirSync, readFileSync } from "node:fs";
import Database from "better-sqlite3";

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `probe` returns something other than undefined/false; returns it. */
export async function waitUntil<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  options: { timeoutMs?: number; intervalMs?: number; detail?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out waiting until ${what}.${options.detail ? `\n${options.detail()}` : ""}`,
      );
    }
    await sleep(options.intervalMs ?? 5);
  }
}

export interface WriteLock {
  release(): void;
}

/**
 * Takes SQLite's write lock on the file (BEGIN IMMEDIATE on a connection of its own): readers go
 * on (WAL), every other writer waits in its busy handler until release().
 */
export function holdWriteLock(databaseFile: string): WriteLock {
  const sqlite = new Database(databaseFile, { timeout: 10_000 });
  sqlite.exec("BEGIN IMMEDIATE");
  return {
    release() {
      sqlite.exec("ROLLBACK");
      sqlite.close();
    },
  };
}

// nanosleep and clock_nanosleep: what SQLite's busy handler sleeps in between retries. Node's
// event loops, when they wait, are in epoll_wait/epoll_pwait instead, and its helper threads in
// futex.
const SLEEP_SYSCALLS: Partial<Record<NodeJS.Architecture, number[]>> = {
  x64: [35, 230],
  arm64: [101, 115],
};

/**
 * Whether a thread of the process (the outbox's database thread, which makes its commits) is in
 * a sleep system call right now; undefined where that cannot be read (not Linux, an
 * architecture not listed above, no access to /proc).
 */
export function sleepingInSqlite(pid: number): boolean | undefined {
  const numbers = SLEEP_SYSCALLS[process.arch];
  if (process.platform !== "linux" || !numbers) return undefined;
  try {
    return readdirSync(`/proc/${pid}/task`).some((tid) => {
      const current = Number(
        readFileSync(`/proc/${pid}/task/${tid}/syscall`, "utf8").split(" ")[0],
      );
      return numbers.includes(current);
    });
  } catch {
    return undefined;
  }
}
