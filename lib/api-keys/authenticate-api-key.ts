// Finds the API key a request's `Authorization: Bearer <key>` (or the relay's password) names: a
// live key of a user who may still sign in, or a 401. Read from the database on every request
// (and every relayed message), so a revoked key is refused from the moment it is revoked.
import "server-only";
import { isEmailAllowed } from "../auth/sign-in-policy";
import { db, hotRead } from "../db";
import { Prisma } from "../generated/prisma/client";
import { AppError } from "../errors/app-error";
import { hashApiKeySecret, isApiKeySecret, sameHash, visiblePrefix } from "./api-key-secret";
import { isKeyPermission, type KeyPermission } from "./key-permissions";
import { stringList } from "./list-api-keys";

export interface ApiKeyIdentity {
  id: string;
  userId: string;
  name: string;
  permission: KeyPermission;
  /** Lowercase addresses the key may send From. */
  allowedFrom: string[];
}

/** A key and its owner's address as the query returns them on either engine. */
interface KeyRow {
  id: string;
  userId: string;
  name: string;
  permission: string;
  /** A JSON array: text on SQLite, already parsed on PostgreSQL. */
  allowedFrom: unknown;
  secretHash: string;
  revokedAt: unknown;
  email: string;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const BEARER = /^Bearer +(\S+) *$/i;

export async function authenticateApiKey(authorization: string | null): Promise<ApiKeyIdentity> {
  const secret = BEARER.exec(authorization ?? "")?.[1];
  if (secret === undefined) {
    throw new AppError("unauthorized", "Send your API key as: Authorization: Bearer mr_live_…");
  }
  return authenticateApiKeySecret(secret);
}

/** The live key whose secret this is (the HTTP API's bearer token, the relay's password). */
export async function authenticateApiKeySecret(secret: string): Promise<ApiKeyIdentity> {
  if (!isApiKeySecret(secret)) throw new AppError("unauthorized", "The API key is not valid.");

  const hash = hashApiKeySecret(secret);
  const prisma = await db();
  // One SQL query (key and owner in one join), prepared once: every API request and relayed
  // message makes it.
  const candidates = await hotRead<KeyRow>(
    prisma,
    Prisma.sql`
    SELECT k.id, k."userId", k.name, k.permission, k."allowedFrom", k."secretHash",
           k."revokedAt", u.email
    FROM "ApiKey" k JOIN "User" u ON u.id = k."userId"
    WHERE k.prefix = ${visiblePrefix(secret)}`,
  );
  const key = candidates.find((c) => sameHash(c.secretHash, hash));
  if (!key) throw new AppError("unauthorized", "The API key is not valid.");
  if (key.revokedAt !== null && key.revokedAt !== undefined) {
    throw new AppError("unauthorized", "The API key has been revoked.");
  }
  // As for sessions: taking an address off the allowlist stops its keys too.
  if (!isEmailAllowed(key.email)) {
    throw new AppError("unauthorized", "The key's owner may no longer use this Mailroom.");
  }
  if (!isKeyPermission(key.permission)) {
    throw new AppError("unauthorized", "The API key is not valid.");
  }
  return {
    id: key.id,
    userId: key.userId,
    name: key.name,
    permission: key.permission,
    allowedFrom: stringList(
      typeof key.allowedFrom === "string" ? parseJson(key.allowedFrom) : key.allowedFrom,
    ),
  };
}
