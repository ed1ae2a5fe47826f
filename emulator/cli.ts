// `npm run emulator`: runs the Google emulator on fixed ports with a CA kept on disk, and prints
// how to point Mailroom at it.
import path from "node:path";
import { parseCliOptions, USAGE, type CliOptions } from "./cli-options";
import { loadOrCreateCa, startEmulator, type Emulator, type StoredCa } from "./index";

function banner(emu: Emulator, options: CliOptions, ca: StoredCa): string {
  const smtpsPort = emu.smtp.securePort;
  const accounts = options.accounts.length > 0 ? options.accounts.join(", ") : "none yet";
  return `Google emulator for Mailroom is running.

  OAuth issuer      ${emu.issuer}  (discovery: ${emu.issuer}/.well-known/openid-configuration)
  Gmail API         ${emu.gmailApiUrl}/gmail/v1
  Inbox             ${emu.inboxUrl}
  App passwords     ${emu.appPasswordsUrl}
  Control API       ${emu.issuer}/control
  SMTP, TLS         localhost:${smtpsPort}  (implicit TLS, like smtp.gmail.com:465)
  SMTP, STARTTLS    localhost:${emu.smtp.starttlsPort}  (STARTTLS required, like smtp.gmail.com:587)
  DNS (UDP)         ${emu.dns.address}  (records set with PUT /control/dns)
  CA certificate    ${ca.certFile}  (${ca.created ? "created now" : "reused"})
  OAuth client      ${options.clientId}
  Redirect URIs     ${options.redirectUris.join("\n                    ")}
  Accounts          ${accounts}; any address typed on the consent page works too

Point Mailroom at it (.env):

GOOGLE_ISSUER=${emu.issuer}
GMAIL_API_URL=${emu.gmailApiUrl}
GOOGLE_CLIENT_ID=${options.clientId}
GOOGLE_CLIENT_SECRET=${options.clientSecret}
SMTP_HOST=localhost
SMTP_PORT=${smtpsPort}
SMTP_SECURE=true
NODE_EXTRA_CA_CERTS=${ca.certFile}
DNS_SERVERS=${emu.dns.address}
# For STARTTLS instead: SMTP_PORT=${emu.smtp.starttlsPort} and SMTP_SECURE=false

Press Ctrl+C to stop.`;
}

async function main(argv: string[]): Promise<void> {
  let options: CliOptions;
  try {
    options = parseCliOptions(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return;
  }

  const ca = await loadOrCreateCa(path.resolve(options.caDir));
  const emu = await startEmulator({
    host: options.host,
    allowedHosts: options.allowedHosts,
    httpPort: options.httpPort,
    smtpsPort: options.smtpsPort,
    smtpPort: options.smtpPort,
    dnsPort: options.dnsPort,
    ca,
    caFile: ca.certFile,
    clients: [
      {
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        name: "Mailroom",
        redirectUris: options.redirectUris,
      },
    ],
    accounts: options.accounts.map((email) => ({ email })),
    accessTokenTtlSeconds: options.tokenTtlSeconds,
    log: options.verbose ? (line) => process.stdout.write(`${line}\n`) : undefined,
  });
  process.stdout.write(`${banner(emu, options, ca)}\n`);
  if (!["127.0.0.1", "::1", "localhost"].includes(options.host)) {
    process.stderr.write(
      `\nWarning: listening on ${options.host}. The control API has no authentication: anyone ` +
        "who can reach the HTTP port can mint tokens and read the inbox.\n",
    );
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second Ctrl+C means "now".
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the emulator…\n`);
    emu.stop().then(
      () => {
        process.stdout.write("Emulator stopped.\n");
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`Could not stop cleanly: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const hint = /EADDRINUSE/.test(message)
    ? "\nA port is already in use: is another emulator running? Choose others with --http-port, --smtps-port and --smtp-port."
    : "";
  process.stderr.write(`The emulator could not start: ${message}${hint}\n`);
  process.exitCode = 1;
});
