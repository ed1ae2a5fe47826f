// Makes an API key for a user: the secret is returned once, here, and only its hash is stored.
import "server-only";
import { z } from "zod";
import { recordAuditEvent } from "../audit/record-audit-event";
import { db } from "../db";
import { AppError } from "../errors/app-error";
import { hashApiKeySecret, newApiKeySecret, visiblePrefix } from "./api-key-secret";
import { KEY_PERMISSIONS, type KeyPermission } from "./key-permissions";
import { senderAddresses } from "./sender-addresses";

export const MAX_KEYS_PER_USER = 100;

export const newApiKeySchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, "Give the key a name.")
    .max(100, "The name is too long (100 characters at most).")
    .refine((v) => !/\p{Cc}/u.test(v), "The name cannot contain control characters."),
  permission: z.enum(Object.keys(KEY_PERMISSIONS) as [KeyPermission, ...KeyPermission[]], {
    error: "Choose what the key may do.",
  }),
  allowedFrom: z
    .array(z.string().max(320))
    .min(1, "Choose at least one address the key may send from.")
    .max(50),
});

export type NewApiKey = z.output<typeof newApiKeySchema>;

export interface CreatedApiKey {
  id: string;
  name: string;
  prefix: string;
  /** Shown once; Mailroom cannot show it again. */
  secret: string;
}

export async function createApiKey(userId: string, input: NewApiKey): Promise<CreatedApiKey> {
  const prisma = await db();
  const addresses = await senderAddresses(prisma, userId);
  if (addresses.length === 0) {
    throw new AppError("conflict", "Connect a Google account before making an API key.");
  }
  const allowedFrom = [...new Set(input.allowedFrom.map((a) => a.trim().toLowerCase()))];
  const unknown = allowedFrom.find((a) => !addresses.includes(a));
  if (unknown !== undefined) {
    const sentence = `${unknown} is not an address you can send from.`;
    throw new AppError("invalid_input", sentence, { allowedFrom: sentence });
  }
  const live = await prisma.apiKey.count({ where: { userId, revokedAt: null } });
  if (live >= MAX_KEYS_PER_USER) {
    throw new AppError(
      "conflict",
      `You have ${MAX_KEYS_PER_USER} keys; revoke one you no longer use first.`,
    );
  }

  const secret = newApiKeySecret();
  const prefix = visiblePrefix(secret);
  const key = await prisma.$transaction(async (tx) => {
    const row = await tx.apiKey.create({
      data: {
        userId,
        name: input.name,
        permission: input.permission,
        allowedFrom,
        secretHash: hashApiKeySecret(secret),
        prefix,
      },
      select: { id: true },
    });
    await recordAuditEvent(tx, {
      kind: "api_key_created",
      userId,
      detail: `"${input.name}" (${prefix}…, ${KEY_PERMISSIONS[input.permission].toLowerCase()})`,
    });
    return row;
  });
  return { id: key.id, name: input.name, prefix, secret };
}
