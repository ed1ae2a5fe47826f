// The setup check as text for a terminal: one line per check with ✓ (green), ! (amber) or ✗
// (red), then its details and what to do, indented. Colour only when asked (a TTY).
import { setupSummary, type CheckStatus, type SetupCheckResult } from "./types";

const MARK: Record<CheckStatus, string> = { ok: "✓", warn: "!", fail: "✗" };
const COLOUR: Record<CheckStatus, string> = { ok: "\x1b[32m", warn: "\x1b[33m", fail: "\x1b[31m" };
const RESET = "\x1b[0m";

export function formatSetupReport(
  results: SetupCheckResult[],
  options: { colour: boolean },
): string {
  const paint = (status: CheckStatus, text: string) =>
    options.colour ? `${COLOUR[status]}${text}${RESET}` : text;
  const lines: string[] = [];
  for (const check of results) {
    lines.push(`${paint(check.status, MARK[check.status])} ${check.title}: ${check.summary}`);
    for (const detail of check.details ?? []) lines.push(`    ${detail}`);
    if (check.fix) lines.push(`    → ${check.fix}`);
  }
  const summary = setupSummary(results);
  lines.push("", paint(summary.status, summary.text));
  return `${lines.join("\n")}\n`;
}

/** The command's exit status: non-zero when anything is red. */
export function setupExitCode(results: SetupCheckResult[]): number {
  return results.some((check) => check.status === "fail") ? 1 : 0;
}
