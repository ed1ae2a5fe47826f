// The state one running emulator shares between its HTTP and SMTP sides.
import { ownHosts, type OwnHosts } from "./http/request-guards";
import { DEFAULT_MAILBOX_LIMIT, Mailbox } from "./mailbox";
import { ClientRegistry, DEFAULT_CLIENT } from "./oauth/clients";
import { AuthorizationLog } from "./oauth/authorization-log";
import { IdTokenSigner } from "./oauth/id-token";
import { PendingAuthorizations } from "./oauth/pending-authorizations";
import { TokenStore } from "./oauth/token-store";
import { ApiFaultQueue } from "./gmail/api-faults";
import { FaultQueue } from "./smtp/faults";
import { AccountRegistry } from "./state/accounts";
import { SendingQuota } from "./state/sending-quota";
import { SignInCredentials } from "./state/sign-in-credentials";
import { Stats } from "./state/stats";
import type { DnsZone, EmulatorOptions } from "./types";

export const GMAIL_MAX_MESSAGE_BYTES = 35_882_577;
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 3600;
export const DEFAULT_QUOTA_WINDOW_MS = 24 * 60 * 60 * 1000;
/** smtp-server's own default. */
export const DEFAULT_SMTP_IDLE_TIMEOUT_MS = 60_000;
/** Node's own default listen backlog. */
export const DEFAULT_SMTP_BACKLOG = 511;

export interface EmulatorContext {
  now: () => number;
  log: (line: string) => void;
  accessTokenTtlSeconds: number;
  maxMessageBytes: number;
  smtpIdleTimeoutMs: number;
  smtpBacklog: number;
  /** SMTP connections open now (a gauge: reset() leaves it alone). */
  openSmtpConnections: number;
  clients: ClientRegistry;
  accounts: AccountRegistry;
  tokens: TokenStore;
  idTokens: IdTokenSigner;
  pendingAuthorizations: PendingAuthorizations;
  /** The authorization requests the consent page was shown for (reset() clears it). */
  authorizations: AuthorizationLog;
  stats: Stats;
  quota: SendingQuota;
  mailbox: Mailbox;
  faults: FaultQueue;
  /** Injected Gmail API send failures. */
  apiFaults: ApiFaultQueue;
  /** Account passwords, 2-Step Verification and app passwords (SMTP AUTH PLAIN/LOGIN). */
  credentials: SignInCredentials;
  /** The Host names the HTTP side answers to (anything else is refused, against DNS rebinding). */
  hosts: OwnHosts;
  /** Set once the HTTP listener has its port: "http://127.0.0.1:<port>". */
  issuer: string;
  /** What the DNS server answers with. */
  dnsZone: DnsZone;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number.`);
  return value;
}

export function createContext(options: EmulatorOptions): EmulatorContext {
  const now = options.now ?? Date.now;
  const accessTokenTtlSeconds = positive(
    "accessTokenTtlSeconds",
    options.accessTokenTtlSeconds,
    DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
  );
  const quotaWindowMs = positive("quotaWindowMs", options.quotaWindowMs, DEFAULT_QUOTA_WINDOW_MS);
  const clients = options.clients ?? [DEFAULT_CLIENT];
  if (clients.length === 0) throw new Error("The emulator needs at least one OAuth client.");

  const accounts = new AccountRegistry(options.accounts);
  const credentials = new SignInCredentials(accounts, now);
  for (const account of options.accounts ?? []) {
    if (account.twoStepVerification !== undefined) {
      credentials.setTwoStepVerification(account.email, account.twoStepVerification);
    }
    if (account.password !== undefined) credentials.setPassword(account.email, account.password);
  }

  return {
    now,
    log: options.log ?? (() => undefined),
    accessTokenTtlSeconds,
    maxMessageBytes: positive("maxMessageBytes", options.maxMessageBytes, GMAIL_MAX_MESSAGE_BYTES),
    smtpIdleTimeoutMs: positive(
      "smtpIdleTimeoutMs",
      options.smtpIdleTimeoutMs,
      DEFAULT_SMTP_IDLE_TIMEOUT_MS,
    ),
    smtpBacklog: positive("smtpBacklog", options.smtpBacklog, DEFAULT_SMTP_BACKLOG),
    openSmtpConnections: 0,
    clients: new ClientRegistry(clients, options.redirectUris),
    accounts,
    credentials,
    tokens: new TokenStore(now, accessTokenTtlSeconds),
    idTokens: new IdTokenSigner(),
    pendingAuthorizations: new PendingAuthorizations(now),
    authorizations: new AuthorizationLog(now),
    stats: new Stats(),
    quota: new SendingQuota(now, quotaWindowMs),
    mailbox: new Mailbox(positive("mailboxLimit", options.mailboxLimit, DEFAULT_MAILBOX_LIMIT)),
    faults: new FaultQueue(),
    apiFaults: new ApiFaultQueue(),
    hosts: ownHosts(options.host ?? "127.0.0.1", options.allowedHosts),
    issuer: "",
    dnsZone: options.dnsRecords ?? {},
  };
}
