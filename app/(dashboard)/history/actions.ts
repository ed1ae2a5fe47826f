"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { recordIdSchema } from "@/lib/http/record-id";
import { safeAction } from "@/lib/http/safe-action";
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
