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
  UploadRecord,
} from "../outbox";
import type { ControlRow } from "./sql";

export type OutboxRequest =
  | { op: "ready" }
  | { op: "close" }
  | { op: "accept"; message: NewMessage }
  | { op: "claim"; request: ClaimRequest }
  | { op: "mimeOf"; ids: string[] }
  | { op: "renew"; lease: Lease }
  | { op: "record"; outcome: Outcome }
  | { op: "cancel"; userId: string; messageId: string }
  | { op: "retryNow"; userId: string; messageId: string }
  | { op: "requeueExpired"; now: Date }
  | { op: "writeChunk"; ownerId: string; seq: number; data: Uint8Array }
  | { op: "readChunk"; ownerId: string; seq: number }
  | { op: "deleteContent"; ownerId: string }
  | { op: "addUpload"; upload: UploadRecord }
  | { op: "uploadsOf"; userId: string; ids: string[] }
  | { op: "uploadedBytes"; userId: string }
  | { op: "deleteUploads"; userId: string; ids: string[] }
  | { op: "sweepContent"; uploadsBefore: Date; orphansBefore: Date };

export interface OutboxResults {
  ready: null;
  close: null;
  accept: AcceptResult;
  claim: LeasedMessage[];
  /**
   * Stored MIME by id (or the owner of its chunks); a message without content is left out.
   * Buffers arrive as Uint8Arrays.
   */
  mimeOf: { id: string; mime: Uint8Array; contentId: string | null; size: number }[];
  renew: boolean;
  record: OutcomeResult;
  cancel: ControlRow;
  retryNow: ControlRow;
  requeueExpired: number;
  writeChunk: null;
  readChunk: Uint8Array | null;
  deleteContent: null;
  addUpload: null;
  uploadsOf: UploadRecord[];
  uploadedBytes: number;
  deleteUploads: null;
  sweepContent: number;
}

export type Op = OutboxRequest["op"];
export type RequestOf<K extends Op> = Extract<OutboxRequest, { op: K }>;

export type Envelope = OutboxRequest & { id: number };

export type OutboxReply =
  | { id: number; value: OutboxResults[Op] }
  | { id: number; error: { name: string; message: string; code?: string } };
