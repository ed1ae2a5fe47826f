// One pooled nodemailer transport per Google account (a pool cannot switch users), fed access
// tokens by lib/google/access-token or given the account's app password, and closed after a
// quiet minute or when the account's way of sending changes.
import "server-only";
import tls from "node:tls";
import nodemailer, { type Transporter } from "nodemailer";
import { env } from "../env";
import { getAccessToken } from "../google/access-token";
import type { SendSettings } from "../sending/ways/account-send-settings";

const IDLE_CLOSE_MS = 60_000;

interface Entry {
  transport: Transporter;
  version: string;
  idleTimer?: NodeJS.Timeout;
}

const pools = new Map<string, Entry>();

export function transportFor(
  accountId: string,
  email: string,
  settings: Pick<SendSettings, "appPassword" | "version">,
): Transporter {
  let entry = pools.get(accountId);
  if (entry && entry.version !== settings.version) {
    closeTransport(accountId);
    entry = undefined;
  }
  if (!entry) {
    entry = {
      transport: createTransport(accountId, email, settings.appPassword),
      version: settings.version,
    };
    pools.set(accountId, entry);
  }
  const current = entry;
  if (current.idleTimer) clearTimeout(current.idleTimer);
  current.idleTimer = setTimeout(() => closeTransport(accountId), IDLE_CLOSE_MS);
  current.idleTimer.unref();
  return current.transport;
}

export function closeTransport(accountId: string): void {
  const entry = pools.get(accountId);
  if (!entry) return;
  pools.delete(accountId);
  if (entry.idleTimer) clearTimeout(entry.idleTimer);
  entry.transport.close();
}

export function closeAllTransports(): void {
  for (const accountId of [...pools.keys()]) closeTransport(accountId);
}

/**
 * One TLS context for every connection to Gmail. Without it, each connection builds its own
 * (about 19 KB of native memory: 19 MB for a thousand accounts' connections). It trusts what
 * Node trusts (the system's roots and NODE_EXTRA_CA_CERTS), and certificates are verified as
 * before.
 */
let gmailTls: tls.SecureContext | undefined;

function createTransport(accountId: string, email: string, appPassword?: string): Transporter {
  const config = env();
  gmailTls ??= tls.createSecureContext();
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: 3,
    maxMessages: 100,
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE,
    // On 587 the upgrade is mandatory: never send credentials or mail in the clear.
    requireTLS: !config.SMTP_SECURE,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 120_000,
    tls: { secureContext: gmailTls },
    // An app password goes with AUTH PLAIN (or LOGIN), only ever over TLS as above.
    auth: appPassword ? { user: email, pass: appPassword } : { type: "OAuth2", user: email },
  });
  // A stored message goes out raw, its Message-ID already in it. Named here, that is the one
  // nodemailer reports, instead of one it would draw (five random reads) for every send.
  transport.use("stream", (mail, done) => {
    if (mail.data.raw && mail.data.messageId) {
      mail.message.setHeader("Message-ID", mail.data.messageId);
    }
    done();
  });
  if (appPassword) return transport;
  // nodemailer asks for a token on connect, and again with renew=true after a 535.
  transport.set("oauth2_provision_cb", (_user, renew, callback) => {
    getAccessToken(accountId, { forceRefresh: renew }).then(
      (token) => callback(null, token.accessToken, token.expiresAt.getTime()),
      (error: Error) => callback(error),
    );
  });
  return transport;
}
