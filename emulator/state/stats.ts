// Counters of what clients did, in total and per account, for tests and the control API.
import type { Counters, StatsSnapshot } from "../types";
import { normalizeEmail } from "./accounts";

export type CounterName = keyof Counters;

function zero(): Counters {
  return {
    tokenGrants: 0,
    refreshes: 0,
    smtpConnections: 0,
    auths: 0,
    authFailures: 0,
    messages: 0,
  };
}

export class Stats {
  private total = zero();
  private readonly accounts = new Map<string, Counters>();

  /** Counts one event in the total and, when the account is known, for that account. */
  count(name: CounterName, email?: string): void {
    this.total[name] += 1;
    if (email === undefined) return;
    this.countForAccountOnly(name, email);
  }

  /** For events the total already counted before the account was known (an SMTP connection). */
  countForAccountOnly(name: CounterName, email: string): void {
    const key = normalizeEmail(email);
    const counters = this.accounts.get(key) ?? zero();
    counters[name] += 1;
    this.accounts.set(key, counters);
  }

  snapshot(): StatsSnapshot {
    const accounts: Record<string, Counters> = {};
    for (const [email, counters] of this.accounts) accounts[email] = { ...counters };
    return { total: { ...this.total }, accounts };
  }

  forAccount(email: string): Counters {
    return { ...(this.accounts.get(normalizeEmail(email)) ?? zero()) };
  }

  reset(): void {
    this.total = zero();
    this.accounts.clear();
  }
}
