// Lets an enqueue in this process wake the in-process worker at once instead of at its next poll.
import { EventEmitter } from "node:events";

const globalForWake = globalThis as unknown as { mailroomWake?: EventEmitter };
export const wakeEmitter = (globalForWake.mailroomWake ??= new EventEmitter());

export function wakeWorkers(): void {
  wakeEmitter.emit("wake");
}
