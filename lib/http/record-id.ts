// The shape of a row id from a browser or a URL: Prisma's cuid() and the outbox's ids are "c" +
// 24 lowercase base-36 characters; anything else is refused before it reaches a query.
import { z } from "zod";

const RECORD_ID = /^c[0-9a-z]{24}$/;

export const recordIdSchema = z
  .string({ error: "Not a valid id." })
  .max(64, { error: "Not a valid id." })
  .regex(RECORD_ID, { error: "Not a valid id." });

export function isRecordId(value: unknown): value is string {
  return recordIdSchema.safeParse(value).success;
}
