// The setup page's list: one row per check in its colour, with what to do when it is not green.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { SetupCheckList } from "../../../app/(dashboard)/setup/setup-check-list";
import type { SetupCheckResult } from "../../../lib/setup/types";

const results: SetupCheckResult[] = [
  {
    id: "redirect-uri",
    title: "Google redirect URI",
    status: "ok",
    summary: "https://mail.example.com/api/auth/callback/google",
  },
  {
    id: "clock",
    title: "Clock",
    status: "warn",
    summary: "This machine's clock is 45 s behind Google's.",
    fix: "Keep the clock in time with NTP.",
  },
  {
    id: "worker",
    title: "Outbox worker",
    status: "fail",
    summary: "No worker has written a heartbeat in the last 60 s.",
    details: ["nothing is sending"],
    fix: "Run `npm run worker`.",
  },
];

function render(list: SetupCheckResult[]): string {
  return renderToStaticMarkup(createElement(SetupCheckList, { results: list }));
}

describe("SetupCheckList", () => {
  it("shows each check's state, in green, amber and red, with its fix", () => {
    const html = render(results);
    expect(html).toMatch(
      /data-testid="setup-check-redirect-uri" data-status="ok" [^>]*>.*text-green-700.*passed.*callback\/google/,
    );
    expect(html).toMatch(
      /data-testid="setup-check-clock" data-status="warn" [^>]*>.*text-amber-700.*warning/,
    );
    expect(html).toMatch(
      /data-testid="setup-check-worker" data-status="fail" [^>]*>.*text-red-700.*failed/,
    );
    expect(html).toContain(
      'What to do: </span>Run <code class="font-mono text-xs">npm run worker</code>.',
    );
    expect(html).toContain('<li class="break-words">nothing is sending</li>');
    // A green check has nothing to do.
    expect(html.split("What to do").length - 1).toBe(2);
    expect(html).toContain("1 check failed, 1 with a warning.");
  });

  it("says so when every check passed", () => {
    const first = results[0];
    if (!first) throw new Error("no results");
    const html = render([first]);
    expect(html).toContain("Every check passed.");
    expect(html).not.toContain("What to do");
  });
});
