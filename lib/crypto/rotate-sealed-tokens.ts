// Re-seals every stored token with the current key, bound to its row and column, in batches.
// It checks first that every token opens, so a bad one stops it before anything is written.
import "server-only";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { Db } from "../db";
import {
  accountTokenPlace,
  SEALED_ACCOUNT_COLUMNS,
  type SealedAccountColumn,
} from "./sealed-columns";
import { SealError, type TokenSealer } from "./token-sealer";

const BATCH_SIZE = 200;
/** Rounds for rows another process changed between our read and our write. */
const MAX_ROUNDS = 5;

type SealedRow = { id: string; email: string } & Record<SealedAccountColumn, string | null>;

export interface TokenFailure {
  accountId: string;
  email: string;
  column: SealedAccountColumn;
  reason: string;
}

export interface RotationReport {
  currentKeyId: string;
  resealed: number;
  accounts: number;
  /** Tokens not yet in the current format under the current key, by the key they are under. */
  remaining: Record<string, number>;
  /** Configured old keys that no stored token needs any more. */
  removableKeyIds: string[];
}

/** Some token opens with no configured key; `resealed` says what was done before it was found. */
export class RotationError extends Error {
  constructor(
    message: string,
    readonly failures: TokenFailure[],
    readonly resealed: number,
  ) {
    super(message);
    this.name = "RotationError";
  }
}

export interface RotateOptions {
  batchSize?: number;
  /** Runs between reading a batch and writing it (tests change rows here, as a refresh would). */
  afterRead?: (accountIds: string[]) => Promise<void>;
}

export async function rotateSealedTokens(
  prisma: Db,
  sealer: TokenSealer,
  options: RotateOptions = {},
): Promise<RotationReport> {
  const batchSize = options.batchSize ?? BATCH_SIZE;

  const failures: TokenFailure[] = [];
  for await (const rows of batches(prisma, batchSize)) {
    for (const row of rows) failures.push(...unopenable(sealer, row));
  }
  if (failures.length > 0) {
    throw new RotationError(
      `${failures.length} token${failures.length === 1 ? "" : "s"} cannot be opened with any configured key; nothing was re-sealed.`,
      failures,
      0,
    );
  }

  let resealed = 0;
  const touched = new Set<string>();
  for await (const rows of batches(prisma, batchSize)) {
    let pending = rows.filter((row) => needsReseal(sealer, row));
    for (let round = 0; pending.length > 0 && round < MAX_ROUNDS; round++) {
      if (round === 0) await options.afterRead?.(pending.map((r) => r.id));
      else pending = await reread(prisma, sealer, pending);
      const planned = pending.map((row) => ({ row, data: reseal(sealer, row, resealed) }));
      const changed: SealedRow[] = [];
      await prisma.$transaction(async (tx) => {
        for (const { row, data } of planned) {
          // Only if unchanged since read: a refresh that stored a new token meanwhile wins.
          const { count } = await tx.account.updateMany({
            where: {
              id: row.id,
              refreshTokenSealed: row.refreshTokenSealed,
              accessTokenSealed: row.accessTokenSealed,
            },
            data,
          });
          if (count === 0) changed.push(row);
        }
      });
      for (const { row, data } of planned) {
        if (changed.includes(row)) continue;
        resealed += Object.keys(data).length;
        touched.add(row.id);
      }
      pending = changed;
    }
  }

  if (resealed > 0) {
    await prisma.$transaction((tx) =>
      recordAuditEvent(tx, {
        kind: "keys_rotated",
        detail: `Re-sealed ${resealed} token${resealed === 1 ? "" : "s"} in ${touched.size} account${touched.size === 1 ? "" : "s"} with key ${sealer.currentKeyId}, each bound to its row and column.`,
      }),
    );
  }

  const remaining: Record<string, number> = {};
  for await (const rows of batches(prisma, batchSize)) {
    for (const row of rows) {
      for (const column of SEALED_ACCOUNT_COLUMNS) {
        const sealed = row[column];
        if (sealed === null || sealer.isCurrent(sealed)) continue;
        const { keyId } = sealer.inspect(sealed);
        remaining[keyId] = (remaining[keyId] ?? 0) + 1;
      }
    }
  }
  return {
    currentKeyId: sealer.currentKeyId,
    resealed,
    accounts: touched.size,
    remaining,
    removableKeyIds: sealer.oldKeyIds.filter((id) => !(id in remaining)),
  };
}

/** What the command prints when it is done. */
export function describeRotation(report: RotationReport): string {
  const tokens = (n: number) => `${n} token${n === 1 ? "" : "s"}`;
  const done = `Re-sealed ${tokens(report.resealed)} in ${report.accounts} account${report.accounts === 1 ? "" : "s"} with key ${report.currentKeyId}`;
  const left = Object.values(report.remaining).reduce((a, b) => a + b, 0);
  if (left > 0) {
    const byKey = Object.entries(report.remaining)
      .map(([id, n]) => `key ${id}: ${n}`)
      .join(", ");
    return `${done}; tokens still under old keys or unbound: ${left} (${byKey}). Another process changed or sealed them while this ran: restart every Mailroom process with the new TOKEN_ENCRYPTION_KEY and run \`npm run keys:rotate\` again. Keep the old keys until it reports 0.`;
  }
  const removable =
    report.removableKeyIds.length === 0
      ? ""
      : ` — you can now remove key${report.removableKeyIds.length === 1 ? "" : "s"} ${report.removableKeyIds.join(", ")} from TOKEN_ENCRYPTION_OLD_KEYS`;
  return `${done}; tokens still under old keys: 0${removable}.`;
}

/** What a re-seal reads of an account: its id, its address for the log, and every sealed column. */
const SEALED_ROW = {
  id: true,
  email: true,
  ...(Object.fromEntries(SEALED_ACCOUNT_COLUMNS.map((c) => [c, true])) as Record<
    SealedAccountColumn,
    true
  >),
} as const;

async function* batches(prisma: Db, size: number): AsyncGenerator<SealedRow[]> {
  let after: string | undefined;
  for (;;) {
    const rows = await prisma.account.findMany({
      select: SEALED_ROW,
      orderBy: { id: "asc" },
      take: size,
      ...(after ? { cursor: { id: after }, skip: 1 } : {}),
    });
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.id;
  }
}

function unopenable(sealer: TokenSealer, row: SealedRow): TokenFailure[] {
  const failures: TokenFailure[] = [];
  for (const column of SEALED_ACCOUNT_COLUMNS) {
    const sealed = row[column];
    if (sealed === null) continue;
    try {
      sealer.open(sealed, accountTokenPlace(row.id, column));
    } catch (error) {
      if (!(error instanceof SealError)) throw error;
      failures.push({ accountId: row.id, email: row.email, column, reason: error.message });
    }
  }
  return failures;
}

function needsReseal(sealer: TokenSealer, row: SealedRow): boolean {
  return SEALED_ACCOUNT_COLUMNS.some((c) => row[c] !== null && !sealer.isCurrent(row[c]));
}

/** The new values of a row's tokens that are not current yet. */
function reseal(
  sealer: TokenSealer,
  row: SealedRow,
  resealedSoFar: number,
): Partial<Record<SealedAccountColumn, string>> {
  const data: Partial<Record<SealedAccountColumn, string>> = {};
  for (const column of SEALED_ACCOUNT_COLUMNS) {
    const sealed = row[column];
    if (sealed === null || sealer.isCurrent(sealed)) continue;
    const place = accountTokenPlace(row.id, column);
    try {
      data[column] = sealer.seal(sealer.open(sealed, place), place);
    } catch (error) {
      if (!(error instanceof SealError)) throw error;
      // Changed after the check (another process stored it): say so, and how far this got.
      throw new RotationError(
        `A token changed while rotating and cannot be opened; stopped after re-sealing ${resealedSoFar}.`,
        [{ accountId: row.id, email: row.email, column, reason: error.message }],
        resealedSoFar,
      );
    }
  }
  return data;
}

/** The current state of rows that changed since they were read, those still needing work. */
async function reread(prisma: Db, sealer: TokenSealer, rows: SealedRow[]): Promise<SealedRow[]> {
  const fresh = await prisma.account.findMany({
    where: { id: { in: rows.map((r) => r.id) } },
    select: SEALED_ROW,
  });
  return fresh.filter((row) => needsReseal(sealer, row));
}
