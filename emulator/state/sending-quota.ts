// Gmail's rolling daily sending limit. Consumer Gmail counts recipients (about 500 per rolling
// 24 hours), so this counts recipients too: a message to 3 people uses 3 of the quota.
import { normalizeEmail } from "./accounts";

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

  /** Recipients sent to within the window that ends now. */
  used(email: string): number {
    return this.live(email).reduce((sum, entry) => sum + entry.recipients, 0);
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
