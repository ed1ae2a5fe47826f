// "Something is due" within this process: an accept or a retry wakes the in-process worker at
// once instead of at its next poll. (On SQLite, workers in other processes find it by polling;
// on PostgreSQL, LISTEN/NOTIFY carries it to them: postgres/due-listener.ts.)
import { EventEmitter } from "node:events";

const globalForDue = globalThis as unknown as { mailroomDue?: EventEmitter };
const due = (globalForDue.mailroomDue ??= new EventEmitter());
due.setMaxListeners(0);

export function signalDue(): void {
  due.emit("due");
}

export function onDue(listener: () => void): () => void {
  due.on("due", listener);
  return () => due.off("due", listener);
}
