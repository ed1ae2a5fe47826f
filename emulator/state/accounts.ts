// The emulator's Google accounts: pre-created ones, and any email typed on the consent page.
import { createHash } from "node:crypto";
import type { AccountInfo, EmulatorAccount, EmulatorAlias, ResolvedAlias } from "../types";

/** Consumer Gmail: recipients per rolling 24 hours. */
export const DEFAULT_DAILY_QUOTA = 500;
/** Google Workspace: messages per rolling 24 hours, and recipients beside them. */
export const WORKSPACE_DAILY_QUOTA = 2000;
export const WORKSPACE_DAILY_RECIPIENTS = 10_000;

function defaultQuota(hostedDomain: string | undefined): number {
  return hostedDomain === undefined ? DEFAULT_DAILY_QUOTA : WORKSPACE_DAILY_QUOTA;
}

export type Account = AccountInfo;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Google's `sub` is a 21-digit number that never changes for an account. Deriving it from the
 * email keeps it stable across emulator restarts, so an app that links users by `sub` (as
 * next-auth does) still recognises them after `npm run emulator` is restarted.
 */
export function subjectFor(email: string): string {
  const digest = createHash("sha256")
    .update(`mailroom-emulator:${normalizeEmail(email)}`)
    .digest();
  const n = BigInt(`0x${digest.subarray(0, 12).toString("hex")}`) % 10n ** 20n;
  return `1${n.toString().padStart(20, "0")}`;
}

/** "ada.lovelace@example.com" → "Ada Lovelace": what a fresh account is called. */
export function nameFromEmail(email: string): string {
  const local = email.split("@")[0] ?? email;
  const words = local.split(/[._+-]+/).filter(Boolean);
  if (words.length === 0) return email;
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(" ");
}

export function resolveAliases(aliases: EmulatorAlias[] | undefined): ResolvedAlias[] {
  return (aliases ?? []).map((alias) => ({
    sendAsEmail: normalizeEmail(alias.sendAsEmail),
    displayName: alias.displayName ?? "",
    isDefault: alias.isDefault ?? false,
    verificationStatus: alias.verificationStatus ?? "accepted",
  }));
}

export interface AccountPatch {
  name?: string;
  emailVerified?: boolean;
  hostedDomain?: string;
  dailyQuota?: number;
  dailyRecipientQuota?: number;
  aliases?: EmulatorAlias[];
}

export class AccountRegistry {
  private readonly accounts = new Map<string, Account>();

  constructor(initial: EmulatorAccount[] = []) {
    for (const account of initial) this.upsert(account.email, account);
  }

  get(email: string): Account | undefined {
    return this.accounts.get(normalizeEmail(email));
  }

  /** The account, created with Google-like defaults if it does not exist yet. */
  ensure(email: string): Account {
    return this.get(email) ?? this.upsert(email, {});
  }

  list(): Account[] {
    return [...this.accounts.values()];
  }

  upsert(email: string, patch: AccountPatch): Account {
    const key = normalizeEmail(email);
    const existing = this.accounts.get(key);
    const account: Account = existing ?? {
      email: key,
      name: nameFromEmail(key),
      sub: this.freshSubject(key),
      emailVerified: true,
      dailyQuota: DEFAULT_DAILY_QUOTA,
      aliases: [],
      hasPassword: false,
      twoStepVerification: false,
    };
    if (patch.name !== undefined) account.name = patch.name;
    if (patch.emailVerified !== undefined) account.emailVerified = patch.emailVerified;
    const quotaWasDefault = account.dailyQuota === defaultQuota(account.hostedDomain);
    if (patch.hostedDomain !== undefined) account.hostedDomain = patch.hostedDomain || undefined;
    // A default quota follows the account's kind; one set on purpose stays.
    if (patch.dailyQuota !== undefined) account.dailyQuota = patch.dailyQuota;
    else if (quotaWasDefault) account.dailyQuota = defaultQuota(account.hostedDomain);
    if (account.hostedDomain === undefined) {
      if (patch.dailyRecipientQuota !== undefined) {
        throw new Error(
          "dailyRecipientQuota applies to Workspace accounts (with a hostedDomain) only: a consumer account's dailyQuota already counts recipients.",
        );
      }
      delete account.dailyRecipientQuota;
    } else {
      account.dailyRecipientQuota =
        patch.dailyRecipientQuota ?? account.dailyRecipientQuota ?? WORKSPACE_DAILY_RECIPIENTS;
    }
    if (patch.aliases !== undefined) account.aliases = resolveAliases(patch.aliases);
    this.accounts.set(key, account);
    return account;
  }

  /** Google keeps the account, and its `sub`, when the user changes the address. */
  rename(email: string, newEmail: string): Account {
    const from = normalizeEmail(email);
    const to = normalizeEmail(newEmail);
    const account = this.accounts.get(from);
    if (!account) throw new Error(`There is no account ${from}.`);
    if (to === from) return account;
    if (this.accounts.has(to)) throw new Error(`An account ${to} already exists.`);
    this.accounts.delete(from);
    account.email = to;
    this.accounts.set(to, account);
    return account;
  }

  /**
   * The address's own sub, unless a renamed account already carries it: then an account made
   * later for the old address is someone else, with a different sub.
   */
  private freshSubject(email: string): string {
    const taken = new Set([...this.accounts.values()].map((account) => account.sub));
    let sub = subjectFor(email);
    for (let n = 1; taken.has(sub); n += 1) sub = subjectFor(`${email}#${n}`);
    return sub;
  }

  /** Addresses Gmail sends as without rewriting From: the account and its accepted aliases. */
  sendableAddresses(email: string): string[] {
    const account = this.get(email);
    if (!account) return [];
    return [
      account.email,
      ...account.aliases
        .filter((alias) => alias.verificationStatus === "accepted")
        .map((alias) => alias.sendAsEmail),
    ];
  }
}
