// "Send later": when a message may be scheduled, the same for compose and the HTTP API.
const YEAR_MS = 365 * 24 * 3_600_000;

/** Why `at` cannot be a message's send time, or undefined when it can. */
export function scheduleTimeProblem(at: Date, now = Date.now()): string | undefined {
  if (Number.isNaN(at.getTime())) return "Choose a valid date and time.";
  // A minute's grace: the time was chosen a moment before it was posted.
  if (at.getTime() < now - 60_000) return "Choose a time in the future.";
  if (at.getTime() > now + YEAR_MS) return "Choose a time within a year.";
  return undefined;
}
