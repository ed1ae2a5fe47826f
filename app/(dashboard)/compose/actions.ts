"use server";

import { requireUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors/app-error";
import { fieldErrors, messageInputSchema } from "@/lib/mail/message-input";
import { enqueueMessage } from "@/lib/queue/enqueue-message";

export interface ComposeState {
  ok?: { id: string };
  errors?: Record<string, string>;
  values?: Record<string, string>;
}

export async function sendMessageAction(
  _previous: ComposeState,
  form: FormData,
): Promise<ComposeState> {
  const user = await requireUser();
  const values = {
    from: field(form, "from"),
    to: field(form, "to"),
    cc: field(form, "cc"),
    bcc: field(form, "bcc"),
    subject: field(form, "subject"),
    text: field(form, "text"),
  };
  const parsed = messageInputSchema.safeParse(values);
  const schedule = parseSchedule(field(form, "scheduledAt"));
  if (!parsed.success || "error" in schedule) {
    const errors = parsed.success ? {} : fieldErrors(parsed.error);
    if ("error" in schedule) errors.scheduledAt = schedule.error;
    return { errors, values };
  }
  try {
    const { id } = await enqueueMessage({
      userId: user.id,
      input: parsed.data,
      source: "web",
      scheduledAt: schedule.at,
    });
    return { ok: { id } };
  } catch (error) {
    if (error instanceof AppError && error.status < 500) {
      return { errors: error.details ?? { form: error.message }, values };
    }
    console.error("compose: enqueue failed:", (error as Error).message);
    return {
      errors: { form: "Something went wrong; the message was not queued. Please try again." },
      values,
    };
  }
}

function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

/** "Send later": an ISO time the browser computed from the person's local date and time. */
function parseSchedule(raw: string): { at?: Date } | { error: string } {
  if (!raw) return {};
  const at = new Date(raw);
  if (Number.isNaN(at.getTime())) return { error: "Choose a valid date and time." };
  if (at.getTime() < Date.now() - 60_000) return { error: "Choose a time in the future." };
  if (at.getTime() > Date.now() + 365 * 24 * 3_600_000)
    return { error: "Choose a time within a year." };
  return { at };
}
