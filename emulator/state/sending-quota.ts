// Gmail's rolling daily sending limits. Consumer Gmail counts recipients (about 500 per rolling
// 24 hours): a message to 3 people uses 3. Workspace counts messages (2,000) and, beside them,
// recipients (10,000).
import { normalizeEmail, WORKSPACE_DAILY_RECIPIENTS, type Account } from "./accounts";

export interface QuotaUsage {
  messages: number;
  recipients: number;
}

interface Entry {
  at: number;
  recipients: number;
}

export class SendingQuota {
  private readonly sent = new Map<string, Entry[]>();

  constructor(
    private readonly now: () => number,
    private readonly windowMs: number,
  ) {}

  /** Messages and recipients sent within the window that ends now. */
  usage(email: string): QuotaUsage {
    const entries = this.live(email);
    return {
      messages: entries.length,
      recipients: entries.reduce((sum, entry) => sum + entry.recipients, 0),
    };
  }

  /**
   * Whether one more message to `recipients` accepted recipients would cross the account's
   * limits. With 1 it asks whether the quota is used up (what RCPT checks).
   */
  wouldExceed(account: Account, recipients: number): boolean {
    const used = this.usage(account.email);
    if (account.hostedDomain === undefined)
      return used.recipients + recipients > account.dailyQuota;
    const recipientLimit = account.dailyRecipientQuota ?? WORKSPACE_DAILY_RECIPIENTS;
    return used.messages + 1 > account.dailyQuota || used.recipients + recipients > recipientLimit;
  }

  /** When the oldest send in the window ages out (what a "Retry after" points at). */
  nextFreeAt(email: string): number {
    const oldest = this.live(email)[0];
    return oldest ? oldest.at + this.windowMs : this.now();
  }

  record(email: string, recipients: number): void {
    const entries = this.live(email);
    entries.push({ at: this.now(), recipients });
    this.sent.set(normalizeEmail(email), entries);
  }

  /** Usage follows the account when its address changes. */
  renameAccount(email: string, newEmail: string): void {
    const moved = [...this.live(newEmail), ...this.live(email)];
    this.sent.delete(normalizeEmail(email));
    this.sent.set(normalizeEmail(newEmail), moved);
  }

  reset(): void {
    this.sent.clear();
  }

  /** Entries still inside the window; older ones age out for good. */
  private live(email: string): Entry[] {
    const key = normalizeEmail(email);
    const since = this.now() - this.windowMs;
    const entries = (this.sent.get(key) ?? []).filter((entry) => entry.at > since);
    this.sent.set(key, entries);
    return entries;
  }
}
