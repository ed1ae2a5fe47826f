// Setup check: every variable valid, naming each one that is missing or invalid.
import type { EnvIssue } from "../env";
import type { SetupCheckResult } from "./types";

export function checkConfiguration(issues: EnvIssue[]): SetupCheckResult {
  const title = "Configuration";
  if (issues.length === 0) {
    return { id: "configuration", title, status: "ok", summary: "Every variable is valid." };
  }
  const names = [...new Set(issues.map((issue) => issue.variable))];
  return {
    id: "configuration",
    title,
    status: "fail",
    summary: `${names.length === 1 ? "1 variable is" : `${names.length} variables are`} missing or invalid: ${names.join(", ")}.`,
    details: issues.map((issue) => `${issue.variable} ${issue.problem}`),
    fix: "Set them in .env or the service's environment (each is described in .env.example), then restart Mailroom.",
  };
}
