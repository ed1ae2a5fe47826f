// What the setup check reports: one line per check, green, amber or red, with what to do.

export type CheckStatus = "ok" | "warn" | "fail";

export const CHECK_IDS = [
  "configuration",
  "redirect-uri",
  "google-client",
  "discovery",
  "clock",
  "smtp",
  "smtp-alt",
  "database",
  "worker",
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export interface SetupCheckResult {
  id: CheckId;
  title: string;
  status: CheckStatus;
  /** One line on what was found; names variables and non-secret values only. */
  summary: string;
  /** More lines, e.g. each invalid variable. */
  details?: string[];
  /** What to do; absent when the check is green. */
  fix?: string;
}

/** A check that could not run because what it needs is missing or invalid. */
export function notChecked(id: CheckId, title: string, variables: string[]): SetupCheckResult {
  return {
    id,
    title,
    status: "fail",
    summary: `Not checked: ${variables.join(", ")} ${variables.length === 1 ? "is" : "are"} missing or invalid.`,
    fix: "Fix the configuration (see the first line), then run the check again.",
  };
}

/** The outcome in one sentence, and the colour it takes: the worst of the checks. */
export function setupSummary(results: SetupCheckResult[]): { status: CheckStatus; text: string } {
  const failed = results.filter((check) => check.status === "fail").length;
  const warned = results.filter((check) => check.status === "warn").length;
  const warnings = `${warned} with a warning`;
  if (failed > 0) {
    return {
      status: "fail",
      text: `${failed} check${failed === 1 ? "" : "s"} failed${warned ? `, ${warnings}` : ""}.`,
    };
  }
  if (warned > 0) return { status: "warn", text: `Every check passed, ${warnings}.` };
  return { status: "ok", text: "Every check passed." };
}
