// The in-process control API: inject SMTP failures, revoke or expire tokens, set quotas and
// aliases, mint tokens without a browser, read counters and the mailbox.
import type { EmulatorContext } from "./context";
import { issueTokenResponse } from "./oauth/token-response";
import { parseScope } from "./oauth/scopes";
import type {
  AccountInfo,
  ApiSendError,
  AppPasswordInfo,
  CreatedAppPassword,
  FailNextApiSendOptions,
  Counters,
  DnsZone,
  EmulatorAlias,
  EmulatorControl,
  FailNextOptions,
  FaultRateOptions,
  IssuedTokens,
  LoggedAuthorization,
  StallNextOptions,
  StatsSnapshot,
  StoredMessage,
} from "./types";

export const DEFAULT_ISSUED_SCOPE = "openid email profile https://mail.google.com/";

export class Control implements EmulatorControl {
  constructor(private readonly ctx: EmulatorContext) {}

  failNext(count: number, reply: string, options: FailNextOptions = {}): void {
    this.ctx.faults.failNext(count, reply, options);
  }

  stallNext(count: number, options: StallNextOptions): void {
    this.ctx.faults.stallNext(count, options);
  }

  setFaultRate(options: FaultRateOptions | null): void {
    this.ctx.faults.setFaultRate(options);
  }

  failNextApiSend(count: number, error: ApiSendError, options: FailNextApiSendOptions = {}): void {
    this.ctx.apiFaults.failNext(count, error, options);
  }

  setPassword(email: string, password: string): void {
    this.ctx.credentials.setPassword(email, password);
  }

  setTwoStepVerification(email: string, enabled: boolean): void {
    this.ctx.credentials.setTwoStepVerification(email, enabled);
  }

  createAppPassword(email: string, options: { name?: string } = {}): CreatedAppPassword {
    return this.ctx.credentials.createAppPassword(email, options.name);
  }

  revokeAppPassword(email: string, id: string): boolean {
    return this.ctx.credentials.revokeAppPassword(email, id);
  }

  appPasswords(email: string): AppPasswordInfo[] {
    return this.ctx.credentials.list(email);
  }

  revoke(email: string): void {
    this.ctx.tokens.revokeAccount(email);
  }

  expireAccessTokens(email?: string): void {
    this.ctx.tokens.expireAccessTokens(email);
  }

  setQuota(email: string, dailyQuota: number, dailyRecipientQuota?: number): void {
    for (const [name, value] of Object.entries({ dailyQuota, dailyRecipientQuota })) {
      if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
        throw new Error(`${name} must be a whole number, 0 or more.`);
      }
    }
    this.ctx.accounts.upsert(email, { dailyQuota, dailyRecipientQuota });
  }

  setAliases(email: string, aliases: EmulatorAlias[]): void {
    this.ctx.accounts.upsert(email, { aliases });
  }

  registerRedirectUri(redirectUri: string, options: { clientId?: string } = {}): void {
    this.ctx.clients.registerRedirectUri(redirectUri, options.clientId);
  }

  setEmailVerified(email: string, verified: boolean): void {
    this.ctx.accounts.upsert(email, { emailVerified: verified });
  }

  renameAccount(email: string, newEmail: string): AccountInfo {
    const account = this.ctx.accounts.rename(email, newEmail);
    this.ctx.tokens.renameAccount(email, account.email);
    this.ctx.quota.renameAccount(email, account.email);
    return structuredClone(account);
  }

  /** Tokens as if the user had consented in the browser (offline access, first consent). */
  issueTokens(email: string, options: { clientId?: string; scope?: string } = {}): IssuedTokens {
    const client = options.clientId
      ? this.ctx.clients.get(options.clientId)
      : this.ctx.clients.first();
    if (!client)
      throw new Error(`Unknown OAuth client: ${options.clientId ?? "(none configured)"}`);
    const { scopes, unknown } = parseScope(options.scope ?? DEFAULT_ISSUED_SCOPE);
    if (unknown.length > 0) throw new Error(`Unknown scopes: ${unknown.join(", ")}`);

    const account = this.ctx.accounts.ensure(email);
    const grant = this.ctx.tokens.createGrant(account.email, client.clientId, scopes, true);
    const response = issueTokenResponse(this.ctx, grant, { includeRefreshToken: true });
    return {
      refreshToken: response.refresh_token ?? "",
      accessToken: response.access_token,
      expiresIn: response.expires_in,
      idToken: response.id_token ?? "",
    };
  }

  stats(): StatsSnapshot;
  stats(email: string): Counters;
  stats(email?: string): StatsSnapshot | Counters {
    return email === undefined ? this.ctx.stats.snapshot() : this.ctx.stats.forAccount(email);
  }

  /** The authorization requests the consent page was shown for, newest first. */
  authorizationRequests(): LoggedAuthorization[] {
    return this.ctx.authorizations.list();
  }

  openSmtpConnections(): number {
    return this.ctx.openSmtpConnections;
  }

  /** Copies, so a test that edits what it got cannot change the mailbox. */
  messages(filter: { email?: string } = {}): StoredMessage[] {
    return this.ctx.mailbox.list(filter).map((message) => structuredClone(message));
  }

  message(id: string): StoredMessage | undefined {
    const message = this.ctx.mailbox.get(id);
    return message && structuredClone(message);
  }

  clearMailbox(): void {
    this.ctx.mailbox.clear();
  }

  /** Clears injected failures and stalls, counters, quota usage, the mailbox and the authorization log. */
  setDnsRecords(zone: DnsZone): void {
    this.ctx.dnsZone = zone;
  }

  reset(): void {
    this.ctx.faults.reset();
    this.ctx.apiFaults.reset();
    this.ctx.authorizations.clear();
    this.ctx.stats.reset();
    this.ctx.quota.reset();
    this.ctx.mailbox.clear();
  }
}
