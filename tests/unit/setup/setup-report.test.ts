// How `npm run doctor` prints the setup check (marks, colour only on a terminal, exit status), and
// the redirect URI it tells the operator to register.
import { describe, expect, it } from "vitest";
import { checkRedirectUri, googleRedirectUri } from "../../../lib/setup/check-redirect-uri";
import { formatSetupReport, setupExitCode } from "../../../lib/setup/format-setup-report";
import type { SetupCheckResult } from "../../../lib/setup/types";

const green: SetupCheckResult = {
  id: "database",
  title: "Database",
  status: "ok",
  summary: "fine.",
};
const amber: SetupCheckResult = {
  id: "smtp-alt",
  title: "SMTP, other TLS mode",
  status: "warn",
  summary: "refused.",
  fix: "Open port 587.",
};
const red: SetupCheckResult = {
  id: "worker",
  title: "Outbox worker",
  status: "fail",
  summary: "none alive.",
  details: ["no heartbeat"],
  fix: "Run npm run worker.",
};

describe("formatSetupReport", () => {
  it("marks green ✓, amber ! and red ✗, with details and the fix indented under a line", () => {
    expect(formatSetupReport([green, amber, red], { colour: false })).toBe(
      [
        "✓ Database: fine.",
        "! SMTP, other TLS mode: refused.",
        "    → Open port 587.",
        "✗ Outbox worker: none alive.",
        "    no heartbeat",
        "    → Run npm run worker.",
        "",
        "1 check failed, 1 with a warning.",
        "",
      ].join("\n"),
    );
  });

  it("colours the marks green, amber and red only when asked to", () => {
    const coloured = formatSetupReport([green, amber, red], { colour: true });
    expect(coloured).toContain("\x1b[32m✓\x1b[0m Database");
    expect(coloured).toContain("\x1b[33m!\x1b[0m SMTP");
    expect(coloured).toContain("\x1b[31m✗\x1b[0m Outbox worker");
    expect(formatSetupReport([green], { colour: false })).not.toContain("\x1b[");
  });

  it("ends with what passed", () => {
    expect(formatSetupReport([green], { colour: false })).toMatch(/\nEvery check passed\.\n$/);
    expect(formatSetupReport([green, amber], { colour: false })).toMatch(
      /\nEvery check passed, 1 with a warning\.\n$/,
    );
  });
});

describe("setupExitCode", () => {
  it("is 1 when anything is red and 0 otherwise, warnings included", () => {
    expect(setupExitCode([green, amber])).toBe(0);
    expect(setupExitCode([green, amber, red])).toBe(1);
  });
});

describe("googleRedirectUri", () => {
  it("is next-auth's callback under /api/auth for a bare origin, with or without a slash", () => {
    for (const url of ["https://mail.example.com", "https://mail.example.com/"]) {
      expect(googleRedirectUri(url).uri).toBe("https://mail.example.com/api/auth/callback/google");
    }
    expect(googleRedirectUri("http://localhost:3100").uri).toBe(
      "http://localhost:3100/api/auth/callback/google",
    );
  });
});

describe("checkRedirectUri", () => {
  it("is red for NEXTAUTH_URL ending in /api/auth: sign-in works, Mailroom's own links would not", () => {
    const result = checkRedirectUri("https://mail.example.com/api/auth");
    expect(result.status).toBe("fail");
    expect(result.summary).toContain("sign-in works");
    expect(result.fix).toContain("(https://mail.example.com)");
  });

  it("is green for a bare origin, with what to register", () => {
    const result = checkRedirectUri("https://mail.example.com/");
    expect(result.status).toBe("ok");
    expect(result.summary).toBe("https://mail.example.com/api/auth/callback/google");
    expect(result.details?.[0]).toContain("Authorized redirect URIs");
  });
});
