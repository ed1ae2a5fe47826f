// Command-line options of `npm run emulator`, parsed and checked (errors name the flag).
import { parseArgs } from "node:util";
import { hostName } from "./http/request-guards";
import { checkRedirectUri, DEFAULT_CLIENT, DEFAULT_REDIRECT_URI } from "./oauth/clients";

export interface CliOptions {
  host: string;
  allowedHosts: string[];
  httpPort: number;
  smtpsPort: number;
  smtpPort: number;
  dnsPort: number;
  caDir: string;
  clientId: string;
  clientSecret: string;
  tokenTtlSeconds?: number;
  accounts: string[];
  redirectUris: string[];
  verbose: boolean;
  help: boolean;
}

export const USAGE = `Usage: npm run emulator -- [options]

Runs the local Google emulator: OAuth2/OpenID Connect, Gmail SMTP (implicit TLS and STARTTLS)
with XOAUTH2, the Gmail REST calls Mailroom uses, an inbox page and a control API.

Options:
  --http-port <port>      OAuth, Gmail API, inbox and control API (default 4400)
  --smtps-port <port>     SMTP with implicit TLS, like smtp.gmail.com:465 (default 4465)
  --smtp-port <port>      SMTP with STARTTLS required, like smtp.gmail.com:587 (default 4587)
  --dns-port <port>       DNS over UDP for the sender domain checks (DNS_SERVERS) (default 4053)
  --host <address>        interface to listen on (default 127.0.0.1)
  --allowed-host <name>   another Host name the HTTP side answers to (loopback names and
                          --host always work); repeat for more
  --ca-dir <dir>          where the CA is kept: ca.pem, ca-key.pem (default data/emulator)
  --client-id <id>        OAuth client id (default ${DEFAULT_CLIENT.clientId})
  --client-secret <s>     OAuth client secret (default ${DEFAULT_CLIENT.clientSecret})
  --token-ttl <seconds>   access token lifetime (default 3600)
  --account <email>       pre-create an account; repeat for more
  --redirect-uri <uri>    register a redirect URI for the client, besides
                          ${DEFAULT_REDIRECT_URI}; repeat for more
  -v, --verbose           log every HTTP request and SMTP command
  -h, --help              show this help
`;

function port(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new Error(`--${flag} must be a port number (0-65535), got "${value}".`);
  }
  return n;
}

export function parseCliOptions(argv: string[]): CliOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      "http-port": { type: "string" },
      "smtps-port": { type: "string" },
      "smtp-port": { type: "string" },
      "dns-port": { type: "string" },
      host: { type: "string" },
      "allowed-host": { type: "string", multiple: true },
      "ca-dir": { type: "string" },
      "client-id": { type: "string" },
      "client-secret": { type: "string" },
      "token-ttl": { type: "string" },
      account: { type: "string", multiple: true },
      "redirect-uri": { type: "string", multiple: true },
      verbose: { type: "boolean", short: "v" },
      help: { type: "boolean", short: "h" },
    },
  });

  let tokenTtlSeconds: number | undefined;
  if (values["token-ttl"] !== undefined) {
    tokenTtlSeconds = Number(values["token-ttl"]);
    if (!Number.isInteger(tokenTtlSeconds) || tokenTtlSeconds < 1) {
      throw new Error(
        `--token-ttl must be a whole number of seconds, got "${values["token-ttl"]}".`,
      );
    }
  }
  const accounts = values.account ?? [];
  const badAccount = accounts.find((email) => !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email));
  if (badAccount !== undefined)
    throw new Error(`--account must be an email address, got "${badAccount}".`);

  const redirectUris = values["redirect-uri"] ?? [];
  for (const uri of redirectUris) {
    try {
      checkRedirectUri(uri);
    } catch (error) {
      throw new Error(`--redirect-uri: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }
  const allowedHosts = values["allowed-host"] ?? [];
  const badHost = allowedHosts.find((name) => hostName(name) !== name.toLowerCase());
  if (badHost !== undefined)
    throw new Error(
      `--allowed-host must be a host name or address without a port (IPv6 in brackets), got "${badHost}".`,
    );

  return {
    host: values.host ?? "127.0.0.1",
    allowedHosts,
    httpPort: port("http-port", values["http-port"], 4400),
    smtpsPort: port("smtps-port", values["smtps-port"], 4465),
    smtpPort: port("smtp-port", values["smtp-port"], 4587),
    dnsPort: port("dns-port", values["dns-port"], 4053),
    caDir: values["ca-dir"] ?? "data/emulator",
    clientId: values["client-id"] ?? DEFAULT_CLIENT.clientId,
    clientSecret: values["client-secret"] ?? DEFAULT_CLIENT.clientSecret,
    tokenTtlSeconds,
    accounts,
    redirectUris: [DEFAULT_REDIRECT_URI, ...redirectUris],
    verbose: values.verbose ?? false,
    help: values.help ?? false,
  };
}
