// What the outbox's database thread does with each request, on its own connection. Writes are
// pieces of a group commit (group-commit.ts), each whole or not at all; the compiler checks each
// handler against the protocol's result type.
import type BetterSqlite3 from "better-sqlite3";
import { formatSlot } from "../../sending/sending-limits";
import type { Outcome, OutcomeResult } from "../outbox";
import { claimDue } from "./claim-due";
import * as content from "./content-sql";
import { GroupCommitter } from "./group-commit";
import { gmailQuotaResumesAt } from "./quota";
import {
  cancelMessage,
  insertMessage,
  markSent,
  mimeOf,
  pauseAccountUntil,
  renewLease,
  requeueExpired,
  retryMessageNow,
  settle,
} from "./sql";
import type { Op, OutboxResults, RequestOf } from "./thread-protocol";

type Conn = BetterSqlite3.Database;

export type Handlers = {
  [K in Exclude<Op, "ready" | "close">]: (
    request: RequestOf<K>,
  ) => OutboxResults[K] | Promise<OutboxResults[K]>;
};

export function threadOps(conn: Conn): Handlers {
  const committer = new GroupCommitter(conn);
  return {
    /** Durable before it resolves: the caller answers "accepted" only after this. */
    accept: ({ message }) => committer.submit((c) => insertMessage(c, message)),

    /**
     * The lease need not reach the disk first: if a power cut undoes it, the message is simply
     * claimable again, as after any crash.
     */
    claim: ({ request }) => committer.submit((c) => claimDue(c, request), { durable: false }),

    /** MIME the claiming process does not hold (accepted by another process, or long ago). */
    mimeOf: ({ ids }) => mimeOf(conn, ids),

    /** A lease renewal lost to a power cut only lets the message be claimed again. */
    renew: ({ lease }) =>
      committer.submit((c) => renewLease(c, lease, new Date()), { durable: false }),

    /**
     * A 250 is committed at once (a crash before the commit resends the message), but not
     * fsynced on its own: it reaches the disk with the next durable commit. A power cut before
     * then can only undo the record, and the message is sent again (at least once). Every other
     * outcome is durable.
     */
    record: ({ outcome }) =>
      committer.submit((c) => recordOutcome(c, outcome, new Date()), {
        durable: outcome.kind !== "sent",
      }),

    cancel: ({ userId, messageId }) =>
      committer.submit((c) => cancelMessage(c, userId, messageId, new Date())),

    retryNow: ({ userId, messageId }) =>
      committer.submit((c) => retryMessageNow(c, userId, messageId, new Date())),

    requeueExpired: ({ now }) => committer.submit((c) => requeueExpired(c, now)),

    /**
     * A chunk need not reach the disk on its own: its owner's row is written after it with a
     * durable commit, which takes every earlier commit to the disk with it.
     */
    writeChunk: ({ ownerId, seq, data }) =>
      committer.submit(
        (c) => {
          content.writeChunk(c, ownerId, seq, Buffer.from(data));
          return null;
        },
        { durable: false },
      ),
    readChunk: ({ ownerId, seq }) => content.readChunk(conn, ownerId, seq),
    deleteContent: ({ ownerId }) =>
      committer.submit(
        (c) => {
          content.deleteContent(c, ownerId);
          return null;
        },
        { durable: false },
      ),
    addUpload: ({ upload }) =>
      committer.submit((c) => {
        content.addUpload(c, upload);
        return null;
      }),
    uploadsOf: ({ userId, ids }) => content.uploadsOf(conn, userId, ids),
    uploadedBytes: ({ userId }) => content.uploadedBytes(conn, userId),
    deleteUploads: ({ userId, ids }) =>
      committer.submit(
        (c) => {
          content.deleteUploads(c, userId, ids);
          return null;
        },
        { durable: false },
      ),
    sweepContent: ({ uploadsBefore, orphansBefore }) =>
      committer.submit((c) => content.sweepContent(c, uploadsBefore, orphansBefore), {
        durable: false,
      }),
  };
}

/** The message's status and its event, written together (and, for quota, the account's pause). */
function recordOutcome(conn: Conn, outcome: Outcome, now: Date): OutcomeResult {
  const answer = {
    smtpCode: "smtpCode" in outcome ? outcome.smtpCode : undefined,
    smtpReply: "smtpReply" in outcome ? outcome.smtpReply : undefined,
    lastError: "lastError" in outcome ? outcome.lastError : undefined,
  };
  const { messageId } = outcome;
  switch (outcome.kind) {
    case "sent":
      markSent(conn, outcome);
      return {};
    case "deferred": {
      const { nextAttemptAt, detail } = outcome;
      settle(
        conn,
        { messageId, status: "deferred", event: "deferred", nextAttemptAt, detail, ...answer },
        now,
      );
      return {};
    }
    case "failed":
      settle(
        conn,
        { messageId, status: "failed", event: "failed", detail: outcome.detail, ...answer },
        now,
      );
      return {};
    case "paused":
      // Back in the queue, due now: it goes as soon as the account is reconnected.
      settle(
        conn,
        {
          messageId,
          status: "queued",
          event: "waiting",
          nextAttemptAt: now,
          detail: outcome.detail,
          ...answer,
        },
        now,
      );
      return {};
    case "quota": {
      // Gmail's own rolling window is full: wait for Mailroom's log to free a slot (or an hour
      // when the log does not explain it, e.g. mail sent from Gmail's web UI). Not a failure.
      const resumeAt = gmailQuotaResumesAt(conn, outcome.accountId, outcome.windowMs, now);
      const slot = formatSlot(resumeAt);
      const reason = `Gmail's daily sending quota is used up; next slot at ${slot}`;
      pauseAccountUntil(conn, outcome.accountId, resumeAt, reason, now);
      const detail = `Waiting for quota, next slot at ${slot}`;
      settle(
        conn,
        {
          messageId,
          status: "deferred",
          event: "deferred",
          nextAttemptAt: resumeAt,
          detail,
          ...answer,
        },
        now,
      );
      return { resumeAt };
    }
  }
}
