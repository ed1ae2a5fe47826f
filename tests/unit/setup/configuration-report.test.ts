// The configuration as the setup check sees it: every problem named, and each variable that is
// valid on its own kept (with its default), so the other checks can still run.
import { describe, expect, it } from "vitest";
import { configurationReport } from "../../../lib/env";

describe("configurationReport", () => {
  it("names every invalid variable and keeps the valid ones, defaults applied", () => {
    const { issues, values } = configurationReport({
      NEXTAUTH_URL: "http://localhost:3000",
      SMTP_PORT: "not-a-port",
      SMTP_HOST: "",
    });
    expect(issues.map((issue) => issue.variable)).toEqual([
      "NEXTAUTH_SECRET",
      "GOOGLE_CLIENT_ID",
      "GOOGLE_CLIENT_SECRET",
      "SMTP_PORT",
      "TOKEN_ENCRYPTION_KEY",
    ]);
    expect(values.NEXTAUTH_URL).toBe("http://localhost:3000");
    // Empty counts as unset, as at start-up: the default applies.
    expect(values.SMTP_HOST).toBe("smtp.gmail.com");
    expect(values.GOOGLE_ISSUER).toBe("https://accounts.google.com");
    expect(values).not.toHaveProperty("SMTP_PORT");
    expect(values).not.toHaveProperty("GOOGLE_CLIENT_ID");
  });

  it("has no issues for a complete configuration", () => {
    const { issues } = configurationReport({
      NEXTAUTH_URL: "https://mail.example.com",
      NEXTAUTH_SECRET: "a-long-enough-secret",
      GOOGLE_CLIENT_ID: "1-abc.apps.googleusercontent.com",
      GOOGLE_CLIENT_SECRET: "secret",
      TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
    });
    expect(issues).toEqual([]);
  });
});
