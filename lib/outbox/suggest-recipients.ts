// Compose's autocomplete: addresses the user has sent to before that start with what they typed.
// The history's search terms (lib/outbox/search-terms.ts) already hold every recipient address of
// the user's messages, lowercased, on a (userId, term) index; subject words sit beside them.
import "server-only";
import { db, type Db } from "../db";
import { MAX_TERM_LENGTH, prefixRange } from "./search-terms";

/** The most addresses one lookup returns. */
export const MAX_SUGGESTIONS = 8;

/**
 * A term is found once per message that has it, so "distinct terms, in order" would read every
 * message sent to a frequent address. Each step instead seeks the next larger term on the index
 * (one row read), and at most this many steps are taken, subject words included.
 */
const MAX_STEPS = 40;

const ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Up to MAX_SUGGESTIONS of the user's earlier recipient addresses starting with `prefix`. */
export async function suggestRecipients(
  userId: string,
  prefix: string,
  prisma?: Db,
): Promise<string[]> {
  const start = prefix.trim().toLowerCase().slice(0, MAX_TERM_LENGTH);
  if (start === "") return [];
  const client = prisma ?? (await db());
  const { low, high } = prefixRange(start);
  const found: string[] = [];
  let after: string | undefined;
  for (let step = 0; step < MAX_STEPS && found.length < MAX_SUGGESTIONS; step++) {
    const next = await client.messageSearchTerm.findFirst({
      where: {
        userId,
        term: after === undefined ? { gte: low, lt: high } : { gt: after, lt: high },
      },
      orderBy: { term: "asc" },
      select: { term: true },
    });
    if (!next) break;
    after = next.term;
    if (ADDRESS.test(next.term)) found.push(next.term);
  }
  return found;
}
