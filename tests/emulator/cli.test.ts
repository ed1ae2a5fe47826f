// `npm run emulator`: options, the CA kept on disk, and a real run stopped by a signal.
import { spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseCliOptions } from "../../emulator/cli-options";
import { loadOrCreateCa } from "../../emulator";

const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "emulator-cli-test-"));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("parseCliOptions", () => {
  it("defaults to the documented ports and CA directory", () => {
    expect(parseCliOptions([])).toMatchObject({
      host: "127.0.0.1",
      httpPort: 4400,
      smtpsPort: 4465,
      smtpPort: 4587,
      dnsPort: 4053,
      caDir: "data/emulator",
      clientId: "mailroom-demo.apps.googleusercontent.com",
      clientSecret: "mailroom-demo-secret",
      accounts: [],
      allowedHosts: [],
      redirectUris: ["http://localhost:3000/api/auth/callback/google"],
      verbose: false,
    });
  });

  it("reads every flag, --account repeated", () => {
    expect(
      parseCliOptions([
        "--http-port=5400",
        "--smtps-port",
        "5465",
        "--smtp-port",
        "5587",
        "--dns-port",
        "5053",
        "--ca-dir",
        "/tmp/ca",
        "--client-id",
        "id",
        "--client-secret",
        "secret",
        "--token-ttl",
        "60",
        "--account",
        "ada@example.com",
        "--account",
        "grace@example.com",
        "--allowed-host",
        "emulator",
        "--allowed-host",
        "[fd00::1]",
        "--redirect-uri",
        "http://localhost:3100/api/auth/callback/google",
        "-v",
      ]),
    ).toMatchObject({
      httpPort: 5400,
      smtpsPort: 5465,
      smtpPort: 5587,
      dnsPort: 5053,
      caDir: "/tmp/ca",
      clientId: "id",
      clientSecret: "secret",
      tokenTtlSeconds: 60,
      accounts: ["ada@example.com", "grace@example.com"],
      allowedHosts: ["emulator", "[fd00::1]"],
      redirectUris: [
        "http://localhost:3000/api/auth/callback/google",
        "http://localhost:3100/api/auth/callback/google",
      ],
      verbose: true,
    });
  });

  it.each([
    [["--http-port", "http"], /--http-port must be a port number/],
    [["--smtp-port", "70000"], /--smtp-port must be a port number/],
    [["--token-ttl", "0"], /--token-ttl must be a whole number/],
    [["--account", "ada"], /--account must be an email address/],
    [["--allowed-host", "emulator:4400"], /--allowed-host must be a host name/],
    [["--redirect-uri", "javascript:alert(1)"], /--redirect-uri: Invalid redirect URI/],
    [["--redirect-uri", "/api/auth/callback/google"], /--redirect-uri: Invalid redirect URI/],
    [["--allowed-host", "evil.example@localhost"], /--allowed-host must be a host name/],
    [["--bogus"], /Unknown option '--bogus'/],
  ])("refuses %j", (argv, message) => {
    expect(() => parseCliOptions(argv)).toThrow(message);
  });
});

describe("loadOrCreateCa", () => {
  it("creates a CA once and reuses it on the next run", async () => {
    const dir = path.join(tempDir(), "nested", "emulator");
    const first = await loadOrCreateCa(dir);
    expect(first.created).toBe(true);
    expect(first.certFile).toBe(path.join(dir, "ca.pem"));
    expect(new X509Certificate(first.certPem).ca).toBe(true);
    expect(statSync(first.keyFile).mode & 0o777).toBe(0o600);

    const second = await loadOrCreateCa(dir);
    expect(second.created).toBe(false);
    expect(second.certPem).toBe(first.certPem);
    expect(second.keyPem).toBe(first.keyPem);
  });
});

interface Run {
  output: () => string;
  exit: Promise<number | null>;
  kill: (signal: NodeJS.Signals) => void;
}

function runCli(args: string[]): Run {
  const child = spawn(process.execPath, ["--import", "tsx", "emulator/cli.ts", ...args], {
    cwd: path.resolve(import.meta.dirname, "..", ".."),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return {
    output: () => output,
    exit: new Promise((resolve) => child.once("exit", (code) => resolve(code))),
    kill: (signal) => child.kill(signal),
  };
}

async function waitFor(run: Run, text: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!run.output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`"${text}" never appeared in:\n${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function envLine(output: string, name: string): string {
  return new RegExp(`^${name}=(.*)$`, "m").exec(output)?.[1] ?? "";
}

describe("the emulator command", () => {
  it("prints how to point Mailroom at it, serves, and stops on SIGTERM", async () => {
    const caDir = tempDir();
    const args = [
      ...["--http-port", "0", "--smtps-port", "0", "--smtp-port", "0", "--dns-port", "0"],
      ...["--ca-dir", caDir],
    ];
    const registered = "http://localhost:3210/api/auth/callback/google";
    const run = runCli([...args, "--account", "ada@example.com", "--redirect-uri", registered]);
    await waitFor(run, "Press Ctrl+C to stop.");
    const output = run.output();

    const issuer = envLine(output, "GOOGLE_ISSUER");
    expect(issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(envLine(output, "GMAIL_API_URL")).toBe(issuer);
    expect(envLine(output, "SMTP_HOST")).toBe("localhost");
    expect(envLine(output, "SMTP_PORT")).toMatch(/^\d+$/);
    expect(envLine(output, "SMTP_SECURE")).toBe("true");
    expect(envLine(output, "NODE_EXTRA_CA_CERTS")).toBe(path.join(caDir, "ca.pem"));
    expect(envLine(output, "DNS_SERVERS")).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(envLine(output, "GOOGLE_CLIENT_ID")).toBe("mailroom-demo.apps.googleusercontent.com");
    expect(envLine(output, "GOOGLE_CLIENT_SECRET")).toBe("mailroom-demo-secret");
    expect(output).toContain("(created now)");

    const discovery = (await (
      await fetch(`${issuer}/.well-known/openid-configuration`)
    ).json()) as {
      issuer: string;
    };
    expect(discovery.issuer).toBe(issuer);
    const accounts = (await (await fetch(`${issuer}/control/accounts`)).json()) as {
      accounts: { email: string }[];
    };
    expect(accounts.accounts.map((a) => a.email)).toEqual(["ada@example.com"]);
    const consent = (redirectUri: string) =>
      fetch(
        `${issuer}/o/oauth2/v2/auth?${new URLSearchParams({
          client_id: "mailroom-demo.apps.googleusercontent.com",
          redirect_uri: redirectUri,
          response_type: "code",
          scope: "openid email",
        }).toString()}`,
      );
    expect((await consent(registered)).status).toBe(200);
    expect((await consent("http://localhost:3000/api/auth/callback/google")).status).toBe(200);
    expect((await consent("http://localhost:3211/api/auth/callback/google")).status).toBe(400);

    run.kill("SIGTERM");
    expect(await run.exit).toBe(0);
    expect(run.output()).toContain("Emulator stopped.");

    // The next run keeps the CA, so NODE_EXTRA_CA_CERTS stays valid.
    const again = runCli(args);
    await waitFor(again, "Press Ctrl+C to stop.");
    expect(again.output()).toContain("(reused)");
    again.kill("SIGINT");
    expect(await again.exit).toBe(0);
  });

  it("exits with status 2 and the usage on a bad flag", async () => {
    const run = runCli(["--http-port", "nope"]);
    expect(await run.exit).toBe(2);
    expect(run.output()).toContain("--http-port must be a port number");
    expect(run.output()).toContain("Usage: npm run emulator");
  });
});
