// The outbox seam: every change to a message, and its event row, goes through this interface.
// One engine implements it per database (lib/outbox/sqlite); nothing else writes outbox rows.
import type { Readable } from "node:stream";
import type { LimitSettings } from "../sending/sending-limits";
import type { DisplayStatus } from "./display-status";
import type { MessageStatus } from "./message-status";
import type { SourceKind } from "./message-source";
import type { MessageDetail, MessagePage } from "./message-views";

/** A message ready to be accepted: MIME built once, so every retry sends the same bytes. */
export interface NewMessage {
  userId: string;
  accountId: string;
  /** encodeSource(): "web", "api:<key id>" or "relay:<key id>". */
  source: string;
  messageIdHeader: string;
  fromAddress: string;
  to: string[];
  cc: string[];
  bcc: string[];
  /** Lowercase address → display name, for the addresses that have one (the history shows them). */
  displayNames?: Record<string, string>;
  subject: string;
  textBody: string;
  /** The MIME itself (small), or where its chunks already are (writeContent()). */
  mime: MessageMime;
  scheduledAt?: Date;
  /**
   * No worker takes it before this time (default: `scheduledAt`, else at once). The web's undo
   * window: held like a scheduled message, but not shown as one.
   */
  firstAttemptAt?: Date;
  queuedDetail: string;
  /** Refuse when the user already has this many messages waiting (queued, deferred, sending). */
  maxWaiting?: number;
}

/** Accepted (durably, with its "queued" event), or refused because the user's backlog is full. */
export type AcceptResult = { id: string } | { backlogFull: { waiting: number } };

export interface ClaimRequest {
  workerId: string;
  max: number;
  now: Date;
  lockedUntil: Date;
  limits: LimitSettings;
}

/** A claimed message as leased: everything but its MIME. */
export interface LeasedMessage {
  id: string;
  accountId: string;
  account: {
    id: string;
    email: string;
    /**
     * How the account sends as of the claim: its way and when its app password was stored, so a
     * worker that read other settings before reads them again (lib/sending/ways).
     */
    sendVersion: string;
  };
  fromAddress: string;
  /** The Message-ID header in its MIME. */
  messageIdHeader: string;
  to: string[];
  cc: string[];
  bcc: string[];
  attempts: number;
  createdAt: Date;
  lockedBy: string;
}

/** A claimed message ready to send: its MIME, or the chunks to stream it from (openContent()). */
export interface ClaimedMessage extends LeasedMessage {
  mime: MessageMime;
}

/**
 * A message's MIME: in its row when small, else in ContentChunk rows owned by `contentId`,
 * written before the message is accepted and read back one chunk at a time.
 */
export type MessageMime = Buffer | StoredContent;

export interface StoredContent {
  contentId: string;
  size: number;
}

/** A file uploaded from compose, its bytes in ContentChunk rows owned by its id. */
export interface UploadRecord {
  id: string;
  userId: string;
  filename: string;
  contentType: string;
  size: number;
  createdAt: Date;
}

/**
 * Large content outside its row, in chunks (lib/outbox/content-stream.ts streams them). Chunks
 * are written before the row that owns them (a message's content, an upload), so a crash leaves
 * at worst chunks without an owner, which sweepContent() removes.
 */
export interface ContentStore {
  /** Stores one chunk; it reaches the disk with the next durable commit (its owner's). */
  writeChunk(ownerId: string, seq: number, data: Buffer): Promise<void>;
  /** One chunk, or null past the last one. */
  readChunk(ownerId: string, seq: number): Promise<Buffer | null>;
  /** Deletes an owner's chunks (content that will never get its owner row). */
  deleteContent(ownerId: string): Promise<void>;
  /** Records an upload whose chunks are written: durable before it resolves. */
  addUpload(upload: UploadRecord): Promise<void>;
  /** The user's uploads among `ids` (others' and missing ones are left out). */
  uploadsOf(userId: string, ids: string[]): Promise<UploadRecord[]>;
  /** Bytes the user holds in uploads not yet used by a message. */
  uploadedBytes(userId: string): Promise<number>;
  /** Deletes the user's uploads among `ids`, with their chunks. */
  deleteUploads(userId: string, ids: string[]): Promise<void>;
  /**
   * Deletes uploads made before `uploadsBefore` with their chunks, and chunks written before
   * `orphansBefore` that belong to nothing; returns how many chunks went.
   */
  sweepContent(uploadsBefore: Date, orphansBefore: Date): Promise<number>;
}

export interface Lease {
  messageId: string;
  workerId: string;
  until: Date;
}

/** Gmail's reply, when there was one. */
export interface SmtpAnswer {
  smtpCode?: number | null;
  smtpReply?: string;
  lastError?: string;
}

/** What became of an attempt; each is written with its event in one transaction. */
export type Outcome =
  | {
      kind: "sent";
      messageId: string;
      reply: string;
      code: number;
      /** How the account sent it (a way's label), for the timeline. */
      via?: string;
      rejected: { recipient?: string; response?: string }[];
      at: Date;
    }
  | ({ kind: "deferred"; messageId: string; nextAttemptAt: Date; detail: string } & SmtpAnswer)
  | ({ kind: "failed"; messageId: string; detail: string } & SmtpAnswer)
  /**
   * Gmail's own daily quota is used up: the account pauses until its window (`windowMs`) frees
   * a slot (or an hour) and the message waits for it, deferred, not failed.
   */
  | ({ kind: "quota"; messageId: string; accountId: string; windowMs: number } & SmtpAnswer)
  /** The account needs reconnecting: the message goes back to the queue and waits for it. */
  | ({ kind: "paused"; messageId: string; detail: string } & SmtpAnswer);

/** What an outcome settled: for "quota", when the account may send again. */
export type OutcomeResult = { resumeAt?: Date };

/** The answer to cancel or retry: done, refused with the message's status, or no such message. */
export type ControlResult =
  { done: true } | { done: false; status: MessageStatus } | { done: false; missing: true };

/** Which of the user's messages the history shows. */
export interface HistoryFilter {
  /** A stored status, or "scheduled": queued with its scheduled time still ahead. */
  status?: DisplayStatus;
  /** Only messages from this kind of source (web, api, relay). */
  source?: SourceKind;
  /**
   * Words that each start a recipient address or a word of the subject
   * (lib/outbox/search-terms.ts), or a Message-ID.
   */
  query?: string;
  /** Created at or after this time. */
  since?: Date;
  /** Created before this time. */
  until?: Date;
}

export interface ListOptions extends HistoryFilter {
  /** The page of messages older than this one of the user's. */
  cursor?: string;
  /** The page of messages newer than this one of the user's (instead of `cursor`). */
  newerThan?: string;
  /** Messages per page (default PAGE_SIZE). */
  limit?: number;
}

export interface Outbox extends ContentStore {
  /** Resolves once the engine can take work (fails if it cannot start). */
  ready(): Promise<void>;
  /** The account a user sends from, or null when none is connected. */
  senderOf(userId: string): Promise<{ id: string; email: string } | null>;
  /** Durable before it resolves; the backlog is counted in the same transaction. */
  accept(message: NewMessage): Promise<AcceptResult>;
  /** Leases up to `max` due messages, oldest first, within each account's limits and pace. */
  claim(request: ClaimRequest): Promise<ClaimedMessage[]>;
  /** Extends a live lease; false when the worker no longer holds it. */
  renew(lease: Lease): Promise<boolean>;
  record(outcome: Outcome): Promise<OutcomeResult>;
  /** Cancels a queued or deferred message of the user's. */
  cancel(userId: string, messageId: string): Promise<ControlResult>;
  /** Makes a deferred message of the user's due now. */
  retryNow(userId: string, messageId: string): Promise<ControlResult>;
  /** Messages whose worker died mid-send go back to the queue; returns how many. */
  requeueExpired(now?: Date): Promise<number>;
  /** One message of the user's, with its timeline; null when it is not theirs. */
  get(userId: string, messageId: string): Promise<MessageDetail | null>;
  /**
   * One message of the user's as it was (or will be) sent: its MIME, streamed from its chunks
   * when it has them; null when not theirs.
   */
  raw(userId: string, messageId: string): Promise<Readable | null>;
  /** A page of the user's messages, newest first. */
  list(userId: string, options?: ListOptions): Promise<MessagePage>;
  /** Calls `listener` when something may be due (an accept, a retry, a reconnect). */
  onDue(listener: () => void): () => void;
  /** Says something may be due now (e.g. an account was reconnected). */
  signalDue(): void;
  /** Lets calls already made finish, then releases the engine. */
  close(): Promise<void>;
}

export type { MessageDetail, MessagePage };
