// Drafts live in the browser's localStorage under a key per signed-in user, so two people on one
// browser do not see each other's drafts. The key is a hash: the user's id is not written out.
import "server-only";
import { createHash } from "node:crypto";

export function draftKeyOf(userId: string): string {
  return createHash("sha256").update(`compose-draft\0${userId}`).digest("base64url").slice(0, 22);
}
