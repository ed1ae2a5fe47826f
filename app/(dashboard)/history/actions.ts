"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { recordIdSchema } from "@/lib/http/record-id";
import { safeAction } from "@/lib/http/safe-action";
import { AppError } from "@/lib/errors/app-error";
import { cancelMessage } from "@/lib/outbox/cancel-message";
import { retryMessageNow } from "@/lib/outbox/retry-message-now";

export interface MessageActionState {
  error?: string;
}

// Exactly one argument, a message id: anything else (an object would become a Prisma filter)
// is refused before a query runs.
const messageIdArgs = z.tuple([recordIdSchema], { error: "Expected one message id." });

function messageAction(name: string, operation: (userId: string, id: string) => Promise<void>) {
  return safeAction({
    name,
    args: messageIdArgs,
    run: async (user, [id]): Promise<MessageActionState> => {
      await operation(user.id, id);
      revalidatePath(`/history/${id}`);
      revalidatePath("/history");
      return {};
    },
    fail: ({ message }): MessageActionState => ({ error: message }),
  });
}

export const cancelMessageAction = messageAction("cancel-message", cancelMessage);

export const retryMessageNowAction = messageAction("retry-message-now", retryMessageNow);

/** The most messages one bulk action takes: more than a page of the history. */
const BULK_MAX = 100;

export interface BulkActionState {
  /** What was done, for a person to read. */
  message?: string;
  error?: string;
}

const bulkArgs = z.tuple(
  [
    z.unknown(),
    z.object(
      {
        op: z.enum(["cancel", "retry"], { error: "Choose cancel or retry." }),
        ids: z
          .array(recordIdSchema, { error: "Expected message ids." })
          .min(1, { error: "Select at least one message." })
          .max(BULK_MAX, { error: `Select at most ${BULK_MAX} messages.` }),
      },
      { error: "Expected an operation and message ids." },
    ),
  ],
  { error: "Expected an operation and message ids." },
);

const BULK = {
  cancel: { run: cancelMessage, done: "Canceled", why: "only a queued or deferred one can be" },
  retry: { run: retryMessageNow, done: "Retrying now", why: "only a deferred one can be" },
} as const;

/**
 * Cancels or retries the selected messages, each on its own as the single-message actions do;
 * a message that is not the user's, or not in a state for it, is counted and left alone.
 */
export const bulkMessageAction = safeAction({
  name: "bulk-message",
  args: bulkArgs,
  run: async (user, [, { op, ids }]): Promise<BulkActionState> => {
    const { run, done, why } = BULK[op];
    const unique = [...new Set(ids)];
    let succeeded = 0;
    let skipped = 0;
    for (const id of unique) {
      try {
        await run(user.id, id);
        succeeded++;
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        skipped++;
      }
    }
    revalidatePath("/history");
    const plural = (n: number) => `${n} message${n === 1 ? "" : "s"}`;
    return {
      message:
        `${done}: ${plural(succeeded)}.` +
        (skipped ? ` ${plural(skipped)} left as they were (${why}).` : ""),
    };
  },
  fail: ({ message }): BulkActionState => ({ error: message }),
});
