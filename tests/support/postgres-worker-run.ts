// Process-level runs on PostgreSQL: a fresh database per run, senders seeded with emulator
// tokens, messages accepted through the outbox, and `npm run worker` processes started with
// DATABASE_URL naming that database. This process opens its own clients on each run's database
// (lib/'s process-wide ones stay unused), so every test can have a database of its own.
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { openDb, type Db } from "../../lib/db";
import { buildMime } from "../../lib/mail/build-mime";
import { openOutbox } from "../../lib/outbox/open-outbox";
import { seedUser } from "./seed-user";
import { testCa } from "./test-ca";
import { emulatorEnv } from "./test-app-env";
import { createTestPostgresDatabase, postgresUrl } from "./test-postgres";
import { spawnWorker, type WorkerProcess } from "./worker-process";

/**
 * Sets what this process (token sealing) and every worker it starts read: the emulator, fresh
 * secrets, no pacing, room under Mailroom's daily limit, and a sensible number of lanes for
 * four workers sharing two cores with the emulator and PostgreSQL.
 */
function configurePostgresWorkerEnvironment(emu: Emulator): void {
  Object.assign(process.env, {
    // Each run's workers are given the run's database; this process opens no lib/ client.
    ...emulatorEnv(emu, { starttls: false, databaseUrl: postgresUrl ?? "postgresql://unset" }),
    MAILROOM_WORKER: "off",
    SEND_RATE_PER_MINUTE: "0",
    DAILY_LIMIT: "10000",
    WORKER_CONCURRENCY: "8",
    DATABASE_POOL_SIZE: "4",
  });
}

export interface Sender {
  userId: string;
  accountId: string;
  email: string;
}

export interface WorkerRun {
  url: string;
  /** What the emulator accepts during the run (its own mailbox keeps only the newest 1,000). */
  mailbox: MailboxTally;
  /** The database's name, as pg_stat_activity shows it. */
  name: string;
  prisma: Db;
  /** Signed-in users whose accounts hold emulator tokens and room in Gmail's quota. */
  seedSenders(emails: string[]): Promise<Sender[]>;
  /** Accepts `count` messages, spread over the senders in turn; returns their ids. */
  enqueue(senders: Sender[], count: number, label: string): Promise<string[]>;
  /** Nothing is claimed until release(): every account waits, as if paced. */
  hold(): Promise<void>;
  /** Ends the hold and wakes every worker (NOTIFY), so they race for a full queue. */
  release(): Promise<void>;
  /** A `npm run worker` process on this run's database; `overrides` go into its environment. */
  startWorker(overrides?: Record<string, string>): WorkerProcess;
  /** What every worker started so far printed, for failure messages. */
  output: () => string;
  /** Kills the workers still running, then drops the database. */
  close(): Promise<void>;
}

const openRuns = new Set<WorkerRun>();

/** For afterEach: a test that failed or timed out leaves no worker process or database behind. */
async function closeWorkerRuns(): Promise<void> {
  await Promise.all([...openRuns].map((run) => run.close()));
}

/**
 * For a suite of worker runs: one emulator for the suite (its counters and mailbox reset before
 * each test), the workers' environment pointing at it, and every run closed after each test.
 */
export function workerRunSuite(): { emulator(): Emulator } {
  let emu: Emulator | undefined;
  beforeAll(async () => {
    emu = await startEmulator({ ca: testCa() });
    configurePostgresWorkerEnvironment(emu);
  });
  afterAll(async () => {
    await emu?.stop();
  });
  beforeEach(() => {
    emu?.control.reset();
  });
  afterEach(closeWorkerRuns);
  return {
    emulator() {
      if (!emu) throw new Error("the suite's emulator has not started");
      return emu;
    },
  };
}

export async function startWorkerRun(emu: Emulator): Promise<WorkerRun> {
  const database = await createTestPostgresDatabase();
  const prisma = await openDb(database.url, { poolSize: 4 });
  const store = openOutbox(database.url, () => Promise.resolve(prisma), { poolSize: 4 });
  const workers: WorkerProcess[] = [];

  const acceptOne = async (sender: Sender, index: number, label: string) => {
    const text = `body ${index}`;
    const subject = `${label} ${index}`;
    const to = { name: "", address: `r${index}@example.org` };
    const built = await buildMime({
      from: { name: "", address: sender.email },
      to: [to],
      cc: [],
      bcc: [],
      subject,
      text,
    });
    const accepted = await store.accept({
      userId: sender.userId,
      accountId: sender.accountId,
      source: "api",
      messageIdHeader: built.messageId,
      fromAddress: sender.email,
      to: [to.address],
      cc: [],
      bcc: [],
      subject,
      textBody: text,
      mime: built.mime,
      queuedDetail: "Accepted into the outbox",
    });
    if (!("id" in accepted)) throw new Error("The outbox refused a test message.");
    return accepted.id;
  };

  const mailbox = tallyMailbox(emu);
  let closing: Promise<void> | undefined;
  const run: WorkerRun = {
    url: database.url,
    name: database.name,
    mailbox,
    prisma,
    async seedSenders(emails) {
      const senders: Sender[] = [];
      for (const email of emails) {
        const { user, account } = await seedUser(emu, email, prisma);
        emu.control.setQuota(email, 100_000);
        senders.push({ userId: user.id, accountId: account.id, email });
      }
      return senders;
    },
    async enqueue(senders, count, label) {
      const ids: string[] = new Array<string>(count);
      let next = 0;
      // A few accepts at a time: each is one commit, and the pool has room for them.
      const lane = async () => {
        for (let i = next++; i < count; i = next++) {
          ids[i] = await acceptOne(senders[i % senders.length]!, i, label);
        }
      };
      await Promise.all([lane(), lane(), lane(), lane()]);
      return ids;
    },
    async hold() {
      await prisma.account.updateMany({ data: { nextSendAt: new Date(Date.now() + 3_600_000) } });
    },
    async release() {
      await prisma.account.updateMany({ data: { nextSendAt: null } });
      store.signalDue();
    },
    startWorker(overrides = {}) {
      const worker = spawnWorker({ ...process.env, DATABASE_URL: database.url, ...overrides });
      workers.push(worker);
      return worker;
    },
    output: () => workers.map((w) => `--- worker pid ${w.pid}\n${w.output()}`).join("\n"),
    close() {
      closing ??= (async () => {
        mailbox.stop();
        await Promise.all(workers.map((w) => w.kill9()));
        await store.close();
        await prisma.$disconnect();
        await database.drop();
        openRuns.delete(run);
      })();
      return closing;
    },
  };
  openRuns.add(run);
  return run;
}

export interface MailboxTally {
  /** Copies of each Message-ID accepted so far. */
  copies(): Map<string, number>;
  /** Messages accepted so far. */
  total(): number;
  stop(): void;
}

/**
 * Everything the emulator accepts, counted by Message-ID. Its mailbox keeps the newest 1,000
 * only, so this empties it into a tally of its own every 100 ms and when read.
 */
function tallyMailbox(emu: Emulator): MailboxTally {
  const copies = new Map<string, number>();
  let total = 0;
  const drain = () => {
    // One synchronous step: nothing can arrive between the read and the clear.
    const arrived = emu.control.messages();
    emu.control.clearMailbox();
    for (const m of arrived) copies.set(m.messageId, (copies.get(m.messageId) ?? 0) + 1);
    total += arrived.length;
  };
  const timer = setInterval(drain, 100);
  return {
    copies() {
      drain();
      return copies;
    },
    total() {
      drain();
      return total;
    },
    stop() {
      clearInterval(timer);
      drain();
    },
  };
}
