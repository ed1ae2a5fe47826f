// Public types of the Google emulator: its options, the running instance and its control API.
import type { DnsZone } from "./dns/dns-server";

export type { DnsRecords, DnsZone } from "./dns/dns-server";

export interface EmulatorAlias {
  sendAsEmail: string;
  displayName?: string;
  isDefault?: boolean;
  verificationStatus?: "accepted" | "pending";
}

export interface EmulatorAccount {
  email: string;
  name?: string;
  /** Whether Google has verified the address; default true. False shows as email_verified: false. */
  emailVerified?: boolean;
  hostedDomain?: string;
  /** Consumer (no hostedDomain): recipients a day, default 500. Workspace: messages a day, default 2,000. */
  dailyQuota?: number;
  /** Workspace only: recipients a day, beside dailyQuota's messages; default 10,000. */
  dailyRecipientQuota?: number;
  aliases?: EmulatorAlias[];
  /** The account's own password (for SMTP AUTH PLAIN/LOGIN); none by default. */
  password?: string;
  /** 2-Step Verification; off by default. App passwords exist only while it is on. */
  twoStepVerification?: boolean;
}

export interface EmulatorClient {
  clientId: string;
  clientSecret: string;
  name?: string;
  /**
   * Where the consent page may send the user back to, compared exactly as Google does; any other
   * redirect_uri gets the redirect_uri_mismatch page. Absent means none (until registered).
   */
  redirectUris?: string[];
}

export interface EmulatorOptions {
  /** Interface every listener binds to; default "127.0.0.1". */
  host?: string;
  /**
   * More names the HTTP side answers to (e.g. "emulator" in a compose network). Loopback names
   * and `host` always work; a request with any other Host header is refused with 421.
   */
  allowedHosts?: string[];
  /** OAuth + Gmail REST + inbox + control API; default 0 (any free port). */
  httpPort?: number;
  /** Implicit TLS, like smtp.gmail.com:465; default 0. */
  smtpsPort?: number;
  /** STARTTLS required, like smtp.gmail.com:587; default 0. */
  smtpPort?: number;
  /** Default: DEFAULT_CLIENT, whose one redirect URI is http://localhost:3000/api/auth/callback/google. */
  clients?: EmulatorClient[];
  /** More redirect URIs registered for every client, e.g. the app's `${NEXTAUTH_URL}/api/auth/callback/google`. */
  redirectUris?: string[];
  /** Pre-created accounts; any email typed on the consent page is created on the fly. */
  accounts?: EmulatorAccount[];
  /** Access token lifetime; default 3600. */
  accessTokenTtlSeconds?: number;
  /** Rolling sending-quota window; default 24 h. */
  quotaWindowMs?: number;
  /** Largest accepted message; default 35882577 (what Gmail advertises in SIZE). */
  maxMessageBytes?: number;
  /** Messages the mailbox keeps (the oldest go first); default 1000. */
  mailboxLimit?: number;
  /** An SMTP connection idle this long is closed with 421 4.4.2; default 60000. */
  smtpIdleTimeoutMs?: number;
  /**
   * Connections each SMTP listener lets wait to be accepted; default 511 (Node's). More than
   * that connecting at once may be reset; a load test opening thousands together raises it.
   */
  smtpBacklog?: number;
  /** The DNS server (UDP) for Mailroom's sender domain checks (DNS_SERVERS); default 0. */
  dnsPort?: number;
  /** The TXT and A records it answers with, by name; changeable later with setDnsRecords. */
  dnsRecords?: DnsZone;
  /** Sign the SMTP certificate with this CA; else a fresh CA is generated. */
  ca?: { certPem: string; keyPem: string };
  /** Where to write the CA certificate PEM; default a file in a temporary directory. */
  caFile?: string;
  /** Clock in ms, for tests (token expiry, quota window, the Date header); default Date.now. */
  now?: () => number;
  /** Optional protocol/debug log. */
  log?: (line: string) => void;
}

export type FailStage = "connect" | "auth" | "mail" | "rcpt" | "data";

export interface FailNextOptions {
  /** Where the failure is answered; default "data" (after the message was received). */
  stage?: FailStage;
  /** Only transactions of this account (ignored at "connect", where no account is known yet). */
  email?: string;
}

export interface StallNextOptions {
  /** "drop" destroys the socket mid-DATA; "delay" holds the final reply. */
  action: "drop" | "delay";
  /** How long "delay" holds the reply; default 5000. */
  ms?: number;
  /** How many message bytes "drop" lets through first; default 0. */
  afterBytes?: number;
}

export interface FaultRateOptions {
  /** Probability (0–1) that a DATA transaction fails. */
  rate: number;
  /** Temporary replies to draw from; default 421 / 451 / 454. */
  replies?: string[];
  /** Share of the failures that drop the connection mid-DATA instead of replying; default 0.25. */
  dropShare?: number;
  /** Random source, for reproducible runs; default Math.random. */
  random?: () => number;
}

/** What the next Gmail API send can be made to answer (failNextApiSend). */
export type ApiSendError =
  "rateLimitExceeded" | "userRateLimitExceeded" | "backendError" | "unavailable";

export interface FailNextApiSendOptions {
  /** Only sends of this account. */
  email?: string;
}

/** An app password as listed: never its letters, which are shown once, at creation. */
export interface AppPasswordInfo {
  id: string;
  name: string;
  /** ISO time. */
  createdAt: string;
}

export interface CreatedAppPassword extends AppPasswordInfo {
  /** 16 lowercase letters in groups of four, as Google shows it ("abcd efgh ijkl mnop"). */
  password: string;
}

export interface IssuedTokens {
  refreshToken: string;
  accessToken: string;
  expiresIn: number;
  /** Empty when the granted scope has no "openid". */
  idToken: string;
}

export interface Counters {
  tokenGrants: number;
  refreshes: number;
  smtpConnections: number;
  auths: number;
  authFailures: number;
  messages: number;
}

export interface StatsSnapshot {
  total: Counters;
  accounts: Record<string, Counters>;
}

export type SmtpListener = "smtps" | "starttls";
/** Where a message came in: one of the SMTP listeners, or the Gmail API. */
export type MessageListener = SmtpListener | "api";

export interface StoredMessageSummary {
  id: string;
  /** The authenticated Google account that sent it. */
  account: string;
  envelope: { mailFrom: string; rcptTo: string[] };
  subject: string;
  messageId: string;
  from: string;
  to: string;
  /** True when Gmail would rewrite From to the primary address (not the account or an accepted alias). */
  fromRewritten: boolean;
  receivedAt: string;
  size: number;
  /** How it arrived: SMTP, or the Gmail API's users.messages.send. */
  via: "smtp" | "api";
  /** What signed it in: an OAuth access token (XOAUTH2 or the API's bearer) or an app password. */
  credential: "oauth" | "app-password";
  listener: MessageListener;
  /** The SMTP listener's port, or the HTTP port for the API. */
  port: number;
}

export interface StoredMessage extends StoredMessageSummary {
  headers: { name: string; value: string }[];
  text: string;
  html: string;
  raw: string;
}

export interface AccountInfo {
  email: string;
  name: string;
  /** Stays the same when the address changes (renameAccount), as Google's does. */
  sub: string;
  emailVerified: boolean;
  hostedDomain?: string;
  /** Recipients a day for a consumer account, messages a day for a Workspace one. */
  dailyQuota: number;
  /** Workspace accounts only: recipients a day. */
  dailyRecipientQuota?: number;
  aliases: ResolvedAlias[];
  /** Whether the account has a password (SMTP AUTH PLAIN/LOGIN); the password itself is never listed. */
  hasPassword: boolean;
  twoStepVerification: boolean;
}

export interface ResolvedAlias {
  sendAsEmail: string;
  displayName: string;
  isDefault: boolean;
  verificationStatus: "accepted" | "pending";
}

/** An authorization request the consent page was shown for. */
export interface LoggedAuthorization {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  accessType: "online" | "offline";
  prompt: string[];
  loginHint?: string;
  /** Whether the app asked for incremental authorization (include_granted_scopes=true). */
  includeGrantedScopes: boolean;
  /** Milliseconds since the epoch, on the emulator's clock. */
  at: number;
}

export interface EmulatorControl {
  failNext(count: number, reply: string, options?: FailNextOptions): void;
  stallNext(count: number, options: StallNextOptions): void;
  /** Random temporary failures on a share of all DATA transactions, until null or reset(). */
  setFaultRate(options: FaultRateOptions | null): void;
  revoke(email: string): void;
  expireAccessTokens(email?: string): void;
  /** dailyQuota counts recipients (consumer) or messages (Workspace; dailyRecipientQuota caps recipients). */
  setQuota(email: string, dailyQuota: number, dailyRecipientQuota?: number): void;
  setAliases(email: string, aliases: EmulatorAlias[]): void;
  /** Creates the account if needed; unverified, its ID token, userinfo and tokeninfo say email_verified false. */
  setEmailVerified(email: string, verified: boolean): void;
  /**
   * The user changed the account's address: same `sub`, and its tokens and grants keep working
   * under the new address (the old one is no longer an account). Throws if either side is wrong.
   */
  renameAccount(email: string, newEmail: string): AccountInfo;
  /** Registers a redirect URI for one client, or every client when clientId is not given. */
  registerRedirectUri(redirectUri: string, options?: { clientId?: string }): void;
  issueTokens(email: string, options?: { clientId?: string; scope?: string }): IssuedTokens;
  stats(): StatsSnapshot;
  stats(email: string): Counters;
  /** The authorization requests the consent page was shown for (login_hint included), newest first. */
  authorizationRequests(): LoggedAuthorization[];
  /** SMTP connections open right now, on both listeners (a client's idle pool shows here). */
  openSmtpConnections(): number;
  /** The next `count` Gmail API sends (of one account, or any) answer this error. */
  failNextApiSend(count: number, error: ApiSendError, options?: FailNextApiSendOptions): void;
  /** Sets the account's own password; changing it revokes every app password, as Google does. */
  setPassword(email: string, password: string): void;
  /** Turns 2-Step Verification on or off; turning it off revokes every app password. */
  setTwoStepVerification(email: string, enabled: boolean): void;
  /** A new app password (only with 2-Step Verification on); its letters are shown only here. */
  createAppPassword(email: string, options?: { name?: string }): CreatedAppPassword;
  /** Revokes one app password; false if the account has none with that id. */
  revokeAppPassword(email: string, id: string): boolean;
  appPasswords(email: string): AppPasswordInfo[];
  /** Newest first; each with envelope, parsed headers and raw MIME. */
  messages(filter?: { email?: string }): StoredMessage[];
  message(id: string): StoredMessage | undefined;
  clearMailbox(): void;
  /** Replaces every record the DNS server answers with (reset() leaves them). */
  setDnsRecords(zone: DnsZone): void;
  reset(): void;
}

export interface Emulator {
  /** "http://127.0.0.1:<httpPort>" — also the Gmail API root and the inbox origin. */
  issuer: string;
  gmailApiUrl: string;
  inboxUrl: string;
  /** The App passwords page: 2-Step Verification, and app passwords made and revoked by hand. */
  appPasswordsUrl: string;
  smtp: { host: string; securePort: number; starttlsPort: number };
  /** The DNS server: "127.0.0.1:<port>" is what DNS_SERVERS takes. */
  dns: { address: string; port: number };
  caCertPem: string;
  caFile: string;
  control: EmulatorControl;
  stop(): Promise<void>;
}
