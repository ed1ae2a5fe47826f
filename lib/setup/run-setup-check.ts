// The setup check: configuration, Google (redirect URI, client, discovery, clock), SMTP, the
// database and a worker, each one line green, amber or red with what to do. Shared by the setup
// page and `npm run doctor`. Checks that need nothing from each other run at the same time.
import "server-only";
import { connectionTargets } from "../diagnostics/connection-targets";
import { openDb, type Db } from "../db";
import { configurationReport, type Env } from "../env";
import { oneLine } from "../errors/one-line";
import { checkClock } from "./check-clock";
import { checkConfiguration } from "./check-configuration";
import { checkDatabase } from "./check-database";
import { checkDiscovery } from "./check-discovery";
import { checkGoogleClient } from "./check-google-client";
import { checkRedirectUri } from "./check-redirect-uri";
import { checkSmtp } from "./check-smtp";
import { checkWorker } from "./check-worker";
import { notChecked, type SetupCheckResult } from "./types";

export const SETUP_CHECK_TIMEOUT_MS = 10_000;

export interface SetupCheckOptions {
  /** The variables to check; default this process's environment. */
  source?: Record<string, string | undefined>;
  /** Per network check. */
  timeoutMs?: number;
  /** The database client to look for worker heartbeats with; default one opened and closed here. */
  prisma?: Db;
}

export async function runSetupCheck(options: SetupCheckOptions = {}): Promise<SetupCheckResult[]> {
  const { issues, values } = configurationReport(options.source);
  const timeoutMs = options.timeoutMs ?? SETUP_CHECK_TIMEOUT_MS;

  const discovery = values.GOOGLE_ISSUER
    ? checkDiscovery(values.GOOGLE_ISSUER, timeoutMs)
    : Promise.resolve({
        result: notChecked("discovery", "Google discovery", ["GOOGLE_ISSUER"]),
        clock: undefined,
      });
  const [google, smtp, databaseAndWorker] = await Promise.all([
    discovery,
    Promise.all(smtpChecks(values, timeoutMs)),
    checkDatabaseAndWorker(values, timeoutMs, options.prisma),
  ]);
  return [
    checkConfiguration(issues),
    checkRedirectUri(values.NEXTAUTH_URL),
    checkGoogleClient(values.GOOGLE_CLIENT_ID, values.GOOGLE_CLIENT_SECRET),
    google.result,
    checkClock(google.clock),
    ...smtp,
    ...databaseAndWorker,
  ];
}

function smtpChecks(values: Partial<Env>, timeoutMs: number): Promise<SetupCheckResult>[] {
  const { SMTP_HOST, SMTP_PORT, SMTP_SECURE, SMTP_ALT_PORT } = values;
  if (SMTP_HOST === undefined || SMTP_PORT === undefined || SMTP_SECURE === undefined) {
    return [Promise.resolve(notChecked("smtp", "SMTP", ["SMTP_HOST", "SMTP_PORT", "SMTP_SECURE"]))];
  }
  const targets = connectionTargets({ SMTP_HOST, SMTP_PORT, SMTP_SECURE, SMTP_ALT_PORT });
  return targets
    .filter((target) => target.configured || SMTP_ALT_PORT !== undefined)
    .sort((a, b) => Number(b.configured) - Number(a.configured))
    .map((target) => checkSmtp(target, timeoutMs));
}

async function checkDatabaseAndWorker(
  values: Partial<Env>,
  timeoutMs: number,
  prisma: Db | undefined,
): Promise<SetupCheckResult[]> {
  const url = values.DATABASE_URL;
  if (!url) {
    return [
      notChecked("database", "Database", ["DATABASE_URL"]),
      notChecked("worker", "Outbox worker", ["DATABASE_URL"]),
    ];
  }
  const database = await checkDatabase(url, timeoutMs);
  if (!database.tablesReadable) {
    return [
      database.result,
      {
        id: "worker",
        title: "Outbox worker",
        status: "fail",
        summary:
          "Not checked: workers report through the database, whose tables cannot be read (above).",
        fix: "Make the database check pass, then run the check again.",
      },
    ];
  }
  let client: Db;
  try {
    client = prisma ?? (await openDb(url, { poolSize: 1 }));
  } catch (error) {
    return [
      database.result,
      {
        id: "worker",
        title: "Outbox worker",
        status: "fail",
        summary: `Could not open the database to read the workers' heartbeats: ${oneLine(error)}.`,
        fix: "Make the database check pass, then run the check again.",
      },
    ];
  }
  try {
    return [database.result, await checkWorker(client, values.MAILROOM_WORKER)];
  } finally {
    if (!prisma) await client.$disconnect();
  }
}
