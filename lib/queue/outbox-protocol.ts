// Messages between the main thread (lib/queue/outbox-client.ts) and the outbox's database
// thread (lib/queue/outbox-thread.ts).
import type { OutboxOps } from "./outbox-ops";

export type OutboxRequest =
  | { id: number; op: keyof OutboxOps; args: unknown[] }
  | { id: number; op: "ready" | "close"; args: [] };

export type OutboxReply =
  | { id: number; value: unknown }
  | { id: number; error: { name: string; message: string; code?: string } };
