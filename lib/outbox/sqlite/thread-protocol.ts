// Messages between the main thread (sqlite-outbox.ts) and the outbox's database thread
// (thread.ts): each request names its operation, and OutboxResults gives what it answers.
import type {
  AcceptResult,
  ClaimRequest,
  Lease,
  LeasedMessage,
  NewMessage,
  Outcome,
  OutcomeResult,
} from "../outbox";
import type { ControlRow } from "./sql";

export type OutboxRequest =
  | { op: "ready" }
  | { op: "close" }
  | { op: "senderOf"; userId: string }
  | { op: "accept"; message: NewMessage }
  | { op: "claim"; request: ClaimRequest }
  | { op: "mimeOf"; ids: string[] }
  | { op: "renew"; lease: Lease }
  | { op: "record"; outcome: Outcome }
  | { op: "cancel"; userId: string; messageId: string }
  | { op: "retryNow"; userId: string; messageId: string }
  | { op: "requeueExpired"; now: Date };

export interface OutboxResults {
  ready: null;
  close: null;
  senderOf: { id: string; email: string } | null;
  accept: AcceptResult;
  claim: LeasedMessage[];
  /** Stored MIME by id; a message without content is left out. Buffers arrive as Uint8Arrays. */
  mimeOf: { id: string; mime: Uint8Array }[];
  renew: boolean;
  record: OutcomeResult;
  cancel: ControlRow;
  retryNow: ControlRow;
  requeueExpired: number;
}

export type Op = OutboxRequest["op"];
export type RequestOf<K extends Op> = Extract<OutboxRequest, { op: K }>;

export type Envelope = OutboxRequest & { id: number };

export type OutboxReply =
  | { id: number; value: OutboxResults[Op] }
  | { id: number; error: { name: string; message: string; code?: string } };
