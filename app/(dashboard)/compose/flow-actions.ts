"use server";

import { z } from "zod";
import { AppError } from "@/lib/errors/app-error";
import { recordIdSchema } from "@/lib/http/record-id";
import { safeAction } from "@/lib/http/safe-action";
import { cancelMessage } from "@/lib/outbox/cancel-message";
import { getMessage } from "@/lib/outbox/list-messages";
import { MAX_TERM_LENGTH } from "@/lib/outbox/search-terms";
import { suggestRecipients } from "@/lib/outbox/suggest-recipients";

/** What became of "Undo": canceled, too late (the message's status), or an error sentence. */
export type UndoState = { canceled: true } | { tooLate: string } | { error: string };

export const undoSendAction = safeAction({
  name: "undo-send",
  args: z.tuple([recordIdSchema], { error: "Expected one message id." }),
  run: async (user, [id]): Promise<UndoState> => {
    try {
      // The same conditional cancel as the history's: a worker that claimed it first wins.
      await cancelMessage(user.id, id);
      return { canceled: true };
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== "conflict") throw error;
      const message = await getMessage(user.id, id);
      return { tooLate: message?.status ?? "sent" };
    }
  },
  fail: ({ message }): UndoState => ({ error: message }),
});

export const suggestRecipientsAction = safeAction({
  name: "suggest-recipients",
  args: z.tuple([z.string().max(MAX_TERM_LENGTH * 2)], { error: "Expected what was typed." }),
  run: (user, [prefix]) => suggestRecipients(user.id, prefix),
  fail: (): string[] => [],
});
