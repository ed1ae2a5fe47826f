// Where a message came from, as stored in Message.source: "web" (compose), "api:<key id>" for
// the HTTP API with that key, or "relay:<key id>" for the SMTP relay — in the row the engine
// writes at accept, so no second write is needed to say which key sent it.
import type { Prisma } from "../generated/prisma/client";

export const SOURCE_KINDS = ["web", "api", "relay"] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export type MessageSource = { kind: "web" } | { kind: "api" | "relay"; apiKeyId: string };

export function encodeSource(source: MessageSource): string {
  return source.kind === "web" ? "web" : `${source.kind}:${source.apiKeyId}`;
}

/** The stored value read back; anything unknown reads as its kind with no key. */
export function decodeSource(stored: string): { kind: string; apiKeyId?: string } {
  const colon = stored.indexOf(":");
  if (colon === -1) return { kind: stored };
  return { kind: stored.slice(0, colon), apiKeyId: stored.slice(colon + 1) };
}

export function isSourceKind(value: string): value is SourceKind {
  return (SOURCE_KINDS as readonly string[]).includes(value);
}

/** The Message filter for messages of one kind of source. */
export function sourceWhere(kind: SourceKind): Prisma.MessageWhereInput {
  return kind === "web" ? { source: "web" } : { source: { startsWith: `${kind}:` } };
}
