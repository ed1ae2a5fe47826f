// The one wrapper every server action goes through: session first, then the arguments parsed
// with zod (an action receives whatever a client posts, not what the form would send), then
// AppErrors mapped to the action's own error shape and anything else logged once, unexplained.
import "server-only";
import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { requireUser, type SessionUser } from "../auth/session";
import { AppError } from "../errors/app-error";

export const SOMETHING_WENT_WRONG = "Something went wrong. Please try again.";

/** What went wrong, for a person: one sentence, and per-field sentences for forms. */
export interface ActionFailure {
  message: string;
  fields?: Record<string, string>;
}

export function safeAction<Args extends unknown[], Input, Result>(options: {
  /** Names the action in the operator's log line. */
  name: string;
  /** The whole argument list, e.g. z.tuple([recordIdSchema]). */
  args: z.ZodType<Input, Args>;
  run: (user: SessionUser, input: Input) => Promise<Result>;
  /** Builds the action's error answer; `input` is there once the arguments have parsed. */
  fail: (failure: ActionFailure, input?: Input) => Result;
}): (...args: Args) => Promise<Result> {
  return async (...args: Args): Promise<Result> => {
    const user = await requireUser();
    const parsed = options.args.safeParse(args);
    if (!parsed.success) return options.fail(describeIssues(parsed.error.issues));
    try {
      return await options.run(user, parsed.data);
    } catch (error) {
      unstable_rethrow(error); // redirect() and notFound() are answers, not failures
      if (error instanceof AppError && error.status < 500) {
        return options.fail({ message: error.message, fields: error.details }, parsed.data);
      }
      console.error(`action ${options.name} failed: ${summarize(error)}`);
      return options.fail({ message: SOMETHING_WENT_WRONG }, parsed.data);
    }
  };
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): ActionFailure {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const field = issue.path.findLast((p) => typeof p === "string");
    if (field !== undefined) fields[field] ??= issue.message;
  }
  return { message: issues[0]?.message ?? "The request was not understood.", fields };
}

// The first line only: Prisma and driver errors go on to quote the query and its arguments.
function summarize(error: unknown): string {
  if (!(error instanceof Error)) return "non-Error thrown";
  const firstLine = error.message.split("\n", 1)[0]?.slice(0, 200) ?? "";
  return `${error.name}: ${firstLine}`;
}
