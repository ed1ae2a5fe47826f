// Reads a user's messages for the history and the API; every query is scoped to the owner.
import "server-only";
import type { ListOptions } from "./outbox";
import { outbox } from "./open-outbox";

/** A page of the user's messages, newest first, after `cursor` when it is one of theirs. */
export async function listMessages(userId: string, options: ListOptions = {}) {
  return (await outbox()).list(userId, options);
}

export async function getMessage(userId: string, id: string) {
  return (await outbox()).get(userId, id);
}

/** The MIME of one of the user's messages; null when it is not theirs. */
export async function getMessageMime(userId: string, id: string) {
  return (await outbox()).raw(userId, id);
}
