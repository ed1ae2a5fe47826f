"use server";

import { z } from "zod";
import { formFieldsSchema } from "@/lib/http/form-fields";
import { recordIdSchema } from "@/lib/http/record-id";
import { safeAction } from "@/lib/http/safe-action";
import { composeBody } from "@/lib/mail/compose-body";
import { fieldErrors, messageInputSchema, parseAddressList } from "@/lib/mail/message-input";
import { formatMegabytes, MAX_MESSAGE_BYTES } from "@/lib/mail/message-limits";
import { scheduleTimeProblem } from "@/lib/mail/schedule-time";
import { enqueueMessage } from "@/lib/outbox/enqueue-message";
import { env } from "@/lib/env";
import { undoHoldUntil } from "@/lib/outbox/undo-window";

export interface ComposeState {
  /** Sent; `undoSeconds`: how long "Undo" can still cancel it (0: it goes at once). */
  ok?: { id: string; undoSeconds?: number };
  errors?: Record<string, string>;
  values?: Record<string, string>;
}

// Generous bounds: the message schema gives the precise sentences (998-character subject, 100
// recipients); these only stop a client from posting megabytes into a one-line field.
const composeFields = formFieldsSchema(
  {
    from: 1_000,
    to: 100_000,
    cc: 100_000,
    bcc: 100_000,
    subject: 10_000,
    replyTo: 10_000,
    // The editor's HTML; `text` is what a client sends without it (the text part is derived
    // from the HTML otherwise).
    html: MAX_MESSAGE_BYTES,
    text: MAX_MESSAGE_BYTES,
    scheduledAt: 100,
    // Upload ids (app/api/uploads), comma-separated: at most a few dozen files fit in 25 MB.
    attachments: 3_000,
  },
  {
    tooLong: (field, max) =>
      field === "text" || field === "html"
        ? `The message is larger than ${formatMegabytes(MAX_MESSAGE_BYTES)}.`
        : `This field is too long (${max.toLocaleString("en")} characters at most).`,
  },
);

export const sendMessageAction = safeAction({
  name: "send-message",
  // (previous state, form): the previous state is React's, never read.
  args: z.tuple([z.unknown(), composeFields], { error: "Expected the compose form." }),
  run: async (user, [, values]): Promise<ComposeState> => {
    const body = composeBody(values);
    const parsed = messageInputSchema.safeParse({ ...values, text: body.text });
    const schedule = parseSchedule(values.scheduledAt);
    const uploads = uploadIdsSchema.safeParse(values.attachments);
    // Optional: empty means Gmail's reply-to for the From address, if it has one.
    const replyTo = parseAddressList(values.replyTo);
    if (!parsed.success || "error" in schedule || !uploads.success || !replyTo.ok) {
      const errors = parsed.success ? {} : fieldErrors(parsed.error);
      if ("error" in schedule) errors.scheduledAt = schedule.error;
      if (!uploads.success) errors.attachments = "The attachments list is not valid.";
      if (!replyTo.ok) errors.replyTo = replyTo.error;
      return { errors, values };
    }
    // Whose uploads they are is checked by enqueueMessage: only the sender's own are found.
    const { id } = await enqueueMessage({
      userId: user.id,
      input: {
        ...parsed.data,
        html: body.html,
        replyTo: replyTo.value.length ? replyTo.value : undefined,
      },
      source: { kind: "web" },
      scheduledAt: schedule.at,
      holdUntil: undoHoldUntil(),
      uploadIds: uploads.data,
    });
    return { ok: { id, undoSeconds: env().UNDO_SECONDS } };
  },
  fail: ({ message, fields }, input): ComposeState => ({
    errors: fields && Object.keys(fields).length > 0 ? fields : { form: message },
    values: input?.[1],
  }),
});

/** The attachments field: upload ids, comma-separated ("" for none). */
const uploadIdsSchema = z
  .string()
  .transform((raw) => (raw ? raw.split(",") : []))
  .pipe(z.array(recordIdSchema).max(100));

/** "Send later": an ISO time the browser computed from the person's local date and time. */
function parseSchedule(raw: string): { at?: Date } | { error: string } {
  if (!raw) return {};
  const at = new Date(raw);
  const problem = scheduleTimeProblem(at);
  return problem ? { error: problem } : { at };
}
