// `npm run demo`: Mailroom against the built-in Google emulator, on SQLite under data/, with
// no Google account, and its SMTP relay on port 2525. Generates the demo's secrets once and keeps
// them in data/demo-secrets.json.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { loadOrCreateCa, startEmulator, type Emulator, type EmulatorOptions } from "../emulator";
import { createInterface } from "node:readline";
import { demoDnsRecords } from "./demo-dns-records";
import { runCapturingOutput } from "./run";

const DATA = path.resolve("data");
const APP_PORT = Number(process.env.PORT ?? 3000);
const PORTS = { http: 4400, smtps: 4465, smtp: 4587, dns: 4053 };
const RELAY_PORT = 2525;
const appUrl = `http://localhost:${APP_PORT}`;
const CLIENT = {
  clientId: "mailroom-demo.apps.googleusercontent.com",
  clientSecret: "mailroom-demo-secret",
  name: "Mailroom (demo)",
  // Exactly where next-auth sends Google's answer, as it would be registered at Google.
  redirectUris: [`${appUrl}/api/auth/callback/google`],
};
const DEMO_DOMAINS = ["gmail.example", "workspace.example"];
const skipBuild = process.argv.includes("--no-build");

mkdirSync(DATA, { recursive: true });
if (!(await portFree(RELAY_PORT))) {
  console.error(
    `The demo's SMTP relay port (${RELAY_PORT}) is in use: is another \`npm run demo\` or \`npm run relay\` running? Stop it and try again.`,
  );
  process.exit(1);
}
const secrets = demoSecrets(path.join(DATA, "demo-secrets.json"));
const caDir = path.join(DATA, "emulator");
const ca = await loadOrCreateCa(caDir);
const emu = await startEmulatorOrExit({
  httpPort: PORTS.http,
  smtpsPort: PORTS.smtps,
  smtpPort: PORTS.smtp,
  dnsPort: PORTS.dns,
  dnsRecords: demoDnsRecords(),
  clients: [CLIENT],
  accounts: [
    { email: "demo@gmail.example", name: "Demo User" },
    {
      email: "ops@workspace.example",
      name: "Ops Team",
      hostedDomain: "workspace.example",
      dailyQuota: 2000,
    },
  ],
  ca,
  caFile: path.join(caDir, "ca.pem"),
});

const appEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
  CHECKPOINT_DISABLE: "1",
  DATABASE_URL: `file:${path.join(DATA, "demo.db")}`,
  NEXTAUTH_URL: appUrl,
  NEXTAUTH_SECRET: secrets.nextAuthSecret,
  GOOGLE_CLIENT_ID: CLIENT.clientId,
  GOOGLE_CLIENT_SECRET: CLIENT.clientSecret,
  GOOGLE_ISSUER: emu.issuer,
  GMAIL_API_URL: emu.gmailApiUrl,
  SMTP_HOST: "localhost",
  SMTP_PORT: String(emu.smtp.securePort),
  SMTP_SECURE: "true",
  SMTP_ALT_PORT: String(emu.smtp.starttlsPort),
  TOKEN_ENCRYPTION_KEY: secrets.tokenEncryptionKey,
  NODE_EXTRA_CA_CERTS: emu.caFile,
  // The status page's sender domain checks ask the emulator's DNS server (demoDnsRecords).
  DNS_SERVERS: emu.dns.address,
  MAILROOM_WORKER: "inline",
  // The SMTP relay, in the app's process; its certificate is generated into data/relay-tls/.
  RELAY_PORT: String(RELAY_PORT),
  // The demo's own accounts may sign in: any address on the emulator's demo domains.
  ALLOWED_DOMAINS: DEMO_DOMAINS.join(","),
  ALLOWED_EMAILS: "",
};

const shutdown = async (code: number) => {
  await emu.stop();
  process.exit(code);
};

// The tools' own output (Prisma's notes on its driver adapter, Next's route table) is shown only
// when a step fails: a newcomer needs the URLs below, not the build's details.
await quietStep("Preparing the database", "npx", ["prisma", "migrate", "deploy"]);
if (!skipBuild || !existsSync(path.join(".next", "BUILD_ID"))) {
  await quietStep("Building Mailroom (about a minute on first run)", "npx", ["next", "build"]);
}

// Every address is written the same way, http://localhost:<port> (the emulator listens on
// 127.0.0.1, which is where localhost leads).
const inboxUrl = emu.inboxUrl.replace("//127.0.0.1:", "//localhost:");
const appPasswordsUrl = emu.appPasswordsUrl.replace("//127.0.0.1:", "//localhost:");
const banner = `
  Mailroom demo is ready
  ──────────────────────
  App:             ${appUrl}   ← open this and "Sign in with Google"
  Emulator inbox:  ${inboxUrl}   (what "Gmail" received)
  App passwords:   ${appPasswordsUrl}   (to try sending with an app password)
  Who may sign in: any address @${DEMO_DOMAINS.join(", @")} (ALLOWED_DOMAINS)
  SMTP relay:      localhost:${RELAY_PORT}, STARTTLS (from this machine also without TLS)
                   password: an API key (Settings → API keys); username: anything, e.g. your app's name
                   examples and the certificate's fingerprint: ${appUrl}/send-from-your-app
  Data:            ${DATA}
  Stop with Ctrl+C.
`;
const app = spawn("npx", ["next", "start", "-p", String(APP_PORT)], {
  env: appEnv,
  stdio: ["ignore", "pipe", "inherit"],
});
// Next's start-up lines name the app by other URLs too (the machine's network address): they
// give way to the banner above, printed once the app answers. Its own lines (the relay's, the
// worker's, errors) pass through.
createInterface({ input: app.stdout }).on("line", (line) => {
  if (/^\s*✓ Ready in/.test(line)) console.log(banner);
  else if (!/^\s*(▲ Next\.js|- (Local|Network|Environments?):|✓ |$)/.test(line)) console.log(line);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => app.kill(signal));
}
app.on("exit", (code) => void shutdown(code ?? 0));

/** Runs a tool with its output held back; on failure shows that output and stops the demo. */
async function quietStep(title: string, command: string, args: string[]): Promise<void> {
  process.stdout.write(`${title}…`);
  const { code, output } = await runCapturingOutput(command, args, { env: appEnv });
  if (code === 0) {
    process.stdout.write(" done\n");
    return;
  }
  process.stdout.write(" failed\n\n");
  process.stderr.write(output);
  console.error(`\n${command} ${args.join(" ")} exited with ${code}; its output is above.`);
  await shutdown(code);
}

async function startEmulatorOrExit(options: EmulatorOptions): Promise<Emulator> {
  try {
    return await startEmulator(options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      console.error(
        `The demo's emulator ports (${PORTS.http}, ${PORTS.smtps}, ${PORTS.smtp}, DNS ${PORTS.dns}/udp) are in use: is another \`npm run demo\` or \`npm run emulator\` running? Stop it and try again.`,
      );
      process.exit(1);
    }
    throw error;
  }
}

/** Whether nothing listens on `port` yet (on any address, as the relay will). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, () => probe.close(() => resolve(true)));
  });
}

function demoSecrets(file: string): { nextAuthSecret: string; tokenEncryptionKey: string } {
  if (existsSync(file))
    return JSON.parse(readFileSync(file, "utf8")) as {
      nextAuthSecret: string;
      tokenEncryptionKey: string;
    };
  const fresh = {
    nextAuthSecret: randomBytes(32).toString("base64"),
    tokenEncryptionKey: randomBytes(32).toString("base64"),
  };
  writeFileSync(file, JSON.stringify(fresh, null, 2), { mode: 0o600 });
  return fresh;
}
