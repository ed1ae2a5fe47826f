// The passwords an account signs in to SMTP with (AUTH PLAIN/LOGIN): its own password and, with
// 2-Step Verification on, app passwords. Keyed by the account's `sub`, so they follow a rename.
import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import type { AppPasswordInfo, CreatedAppPassword } from "../types";
import type { Account, AccountRegistry } from "./accounts";

interface AppPassword extends AppPasswordInfo {
  digest: Buffer;
}

interface Secrets {
  password?: Buffer;
  appPasswords: AppPassword[];
}

/** Which app password an SMTP session signed in with: the account's `sub` and the password's id. */
export interface AppPasswordSignIn {
  sub: string;
  id: string;
}

/** What a password presented over SMTP turned out to be. */
export type PasswordCheck =
  { kind: "app-password"; signIn: AppPasswordSignIn } | { kind: "account-password" | "wrong" };

const APP_PASSWORD_LETTERS = 16;

function digest(secret: string): Buffer {
  return createHash("sha256").update(secret, "utf8").digest();
}

function same(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Google shows an app password as four groups of four letters; spaces don't count. */
function newAppPassword(): string {
  const letters = Array.from({ length: APP_PASSWORD_LETTERS }, () =>
    String.fromCharCode(97 + randomInt(26)),
  ).join("");
  return letters.replace(/(.{4})(?=.)/g, "$1 ");
}

export class SignInCredentials {
  private readonly secrets = new Map<string, Secrets>();

  constructor(
    private readonly accounts: AccountRegistry,
    private readonly now: () => number,
  ) {}

  private account(email: string): Account {
    const account = this.accounts.get(email);
    if (!account) throw new Error(`There is no account ${email}.`);
    return account;
  }

  private of(account: Account): Secrets {
    let secrets = this.secrets.get(account.sub);
    if (!secrets) {
      secrets = { appPasswords: [] };
      this.secrets.set(account.sub, secrets);
    }
    return secrets;
  }

  /** Changing the password revokes every app password, as it does at Google. */
  setPassword(email: string, password: string): void {
    if (password.length < 8) throw new Error("password must be at least 8 characters.");
    const account = this.accounts.ensure(email);
    const secrets = this.of(account);
    secrets.password = digest(password);
    secrets.appPasswords = [];
    account.hasPassword = true;
  }

  /** Turning 2-Step Verification off revokes every app password, as it does at Google. */
  setTwoStepVerification(email: string, enabled: boolean): void {
    const account = this.accounts.ensure(email);
    account.twoStepVerification = enabled;
    if (!enabled) this.of(account).appPasswords = [];
  }

  createAppPassword(email: string, name = "Mail"): CreatedAppPassword {
    const account = this.account(email);
    if (!account.twoStepVerification) {
      throw new Error(
        `App passwords need 2-Step Verification: turn it on for ${account.email} first.`,
      );
    }
    const password = newAppPassword();
    const info: AppPasswordInfo = {
      id: randomBytes(8).toString("hex"),
      name,
      createdAt: new Date(this.now()).toISOString(),
    };
    this.of(account).appPasswords.push({ ...info, digest: digest(password.replace(/\s+/g, "")) });
    return { ...info, password };
  }

  revokeAppPassword(email: string, id: string): boolean {
    const secrets = this.of(this.account(email));
    const before = secrets.appPasswords.length;
    secrets.appPasswords = secrets.appPasswords.filter((entry) => entry.id !== id);
    return secrets.appPasswords.length < before;
  }

  list(email: string): AppPasswordInfo[] {
    return this.of(this.account(email)).appPasswords.map(({ id, name, createdAt }) => ({
      id,
      name,
      createdAt,
    }));
  }

  /** Which of the account's passwords this is, if any. */
  check(email: string, presented: string): PasswordCheck {
    const account = this.accounts.get(email);
    if (!account) return { kind: "wrong" };
    const secrets = this.of(account);
    const compact = digest(presented.replace(/\s+/g, ""));
    const appPassword = account.twoStepVerification
      ? secrets.appPasswords.find((entry) => same(entry.digest, compact))
      : undefined;
    if (appPassword)
      return { kind: "app-password", signIn: { sub: account.sub, id: appPassword.id } };
    if (secrets.password && same(secrets.password, digest(presented))) {
      return { kind: "account-password" };
    }
    return { kind: "wrong" };
  }

  /**
   * Whether the app password a session signed in with still exists. Revoking it, changing the
   * account password or turning 2-Step Verification off all remove it.
   */
  isLive(signIn: AppPasswordSignIn): boolean {
    return (
      this.secrets.get(signIn.sub)?.appPasswords.some((entry) => entry.id === signIn.id) === true
    );
  }
}
