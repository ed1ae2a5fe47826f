// Idempotency-Key for POST /api/v1/messages, held in the database so it holds across requests,
// processes and machines: the first request with a key inserts its record (unique per API key
// and Idempotency-Key) and the others with the same key find it. A record carries the
// Message-ID its message will have, chosen before the accept; Message.messageIdHeader is
// unique, so one record can never make two messages — not even when a request that seemed dead
// is taken over while it was only slow. Answers other than 202 are not remembered: the record
// is removed and the same key may be tried again.
import "server-only";
import { createHash } from "node:crypto";
import { db } from "../db";
import { AppError } from "../errors/app-error";
import { newMessageIdHeader } from "../mail/build-mime";

/** Keys are remembered this long. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/** A request still unfinished after this long is taken to have died; another may take over. */
const STALE_MS = 30_000;
/** How long a request waits for an identical one in flight before answering 409. */
const WAIT_MS = 10_000;
const POLL_MS = 25;

export interface IdempotentAnswer {
  status: number;
  body: { id: string; status: string };
  replayed: boolean;
}

/** A hash of a JSON value that ignores the order of object keys and the formatting. */
export function requestHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("base64url");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export async function withIdempotency(
  request: { apiKeyId: string; key: string; requestHash: string; fromAddress: string },
  accept: (messageIdHeader: string) => Promise<{ id: string; status: string }>,
): Promise<IdempotentAnswer> {
  const prisma = await db();
  const where = { apiKeyId_key: { apiKeyId: request.apiKeyId, key: request.key } };
  const deadline = Date.now() + WAIT_MS;

  for (;;) {
    try {
      const record = await prisma.idempotencyRecord.create({
        data: {
          apiKeyId: request.apiKeyId,
          key: request.key,
          requestHash: request.requestHash,
          messageIdHeader: newMessageIdHeader(request.fromAddress),
        },
        select: { id: true, messageIdHeader: true },
      });
      return await run(record);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }

    const existing = await prisma.idempotencyRecord.findUnique({ where });
    if (!existing) continue; // removed meanwhile (its request failed, or it expired): try again
    const now = Date.now();
    if (existing.createdAt.getTime() < now - IDEMPOTENCY_TTL_MS) {
      await prisma.idempotencyRecord.deleteMany({
        where: { id: existing.id, createdAt: existing.createdAt },
      });
      continue;
    }
    if (existing.requestHash !== request.requestHash) {
      throw new AppError(
        "idempotency_key_reused",
        "This Idempotency-Key was already used with a different request body.",
        { "Idempotency-Key": "Already used with a different request body." },
      );
    }
    if (existing.responseStatus !== null && existing.responseBody !== null) {
      return {
        status: existing.responseStatus,
        body: JSON.parse(existing.responseBody) as IdempotentAnswer["body"],
        replayed: true,
      };
    }
    const accepted = await acceptedMessage(existing.messageIdHeader);
    if (accepted) return { ...(await complete(existing.id, accepted)), replayed: true };
    if (existing.claimedAt.getTime() < now - STALE_MS) {
      const taken = await prisma.idempotencyRecord.updateMany({
        where: { id: existing.id, claimedAt: existing.claimedAt, responseStatus: null },
        data: { claimedAt: new Date(now) },
      });
      if (taken.count === 1) return await run(existing);
      continue;
    }
    if (Date.now() > deadline) {
      throw new AppError(
        "idempotency_in_progress",
        "A request with this Idempotency-Key is still being processed; try again in a few seconds.",
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }

  async function run(record: { id: string; messageIdHeader: string }): Promise<IdempotentAnswer> {
    let answer: { id: string; status: string };
    try {
      answer = await accept(record.messageIdHeader);
    } catch (error) {
      // Another request holding this record may have accepted the message first (its
      // Message-ID is taken): that message is the answer.
      const accepted = await acceptedMessage(record.messageIdHeader);
      if (accepted) return { ...(await complete(record.id, accepted)), replayed: true };
      await prisma.idempotencyRecord.deleteMany({ where: { id: record.id, responseStatus: null } });
      throw error;
    }
    return { ...(await complete(record.id, answer)), replayed: false };
  }

  async function acceptedMessage(messageIdHeader: string) {
    const message = await prisma.message.findUnique({
      where: { messageIdHeader },
      select: { id: true },
    });
    // The first answer for an accepted message is always "queued".
    return message ? { id: message.id, status: "queued" } : null;
  }

  async function complete(recordId: string, body: { id: string; status: string }) {
    await prisma.idempotencyRecord.updateMany({
      where: { id: recordId, responseStatus: null },
      data: { messageId: body.id, responseStatus: 202, responseBody: JSON.stringify(body) },
    });
    return { status: 202, body };
  }
}

/** Forgets keys older than IDEMPOTENCY_TTL_MS. */
export async function pruneIdempotencyRecords(now = new Date()): Promise<number> {
  const prisma = await db();
  const { count } = await prisma.idempotencyRecord.deleteMany({
    where: { createdAt: { lt: new Date(now.getTime() - IDEMPOTENCY_TTL_MS) } },
  });
  return count;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === "P2002";
}

/** Prunes at start and hourly in each web process; deleting the same old rows twice is harmless. */
export function startIdempotencyPruning(): void {
  const prune = () =>
    pruneIdempotencyRecords().catch((error: unknown) =>
      console.error(
        "api: pruning idempotency keys failed:",
        error instanceof Error ? error.message : error,
      ),
    );
  void prune();
  setInterval(() => void prune(), 3_600_000).unref();
}
