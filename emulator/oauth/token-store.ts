// Authorization codes, grants, refresh and access tokens, with Google's lifetimes and rules.
import { randomBytes } from "node:crypto";
import { normalizeEmail } from "../state/accounts";

export const CODE_TTL_MS = 10 * 60 * 1000;
// Google keeps at most 100 live refresh tokens per account and client; the oldest dies silently.
export const MAX_REFRESH_TOKENS_PER_CLIENT = 100;

/** One consent of one account to one client: every token issued from it dies with it. */
export interface Grant {
  id: string;
  email: string;
  clientId: string;
  scopes: string[];
  refreshToken?: string;
  createdAt: number;
  revoked: boolean;
}

export interface AccessToken {
  token: string;
  grantId: string;
  email: string;
  clientId: string;
  scopes: string[];
  /** Whether the grant has a refresh token ("offline") — tokeninfo reports it. */
  offline: boolean;
  expiresAt: number;
}

export interface AuthorizationCode {
  code: string;
  email: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge?: string;
  codeChallengeMethod: "S256" | "plain";
  nonce?: string;
  issueRefreshToken: boolean;
  expiresAt: number;
  used: boolean;
}

export type AccessTokenCheck =
  { ok: true; token: AccessToken } | { ok: false; reason: "unknown" | "expired" | "revoked" };

function opaque(prefix: string, bytes: number): string {
  return prefix + randomBytes(bytes).toString("base64url");
}

function consentKey(email: string, clientId: string): string {
  return `${normalizeEmail(email)} ${clientId}`;
}

/** What one account has granted one client, until it is revoked. */
interface Consent {
  /** Every scope granted so far, in the order first granted (incremental authorization). */
  scopes: string[];
  /** A refresh token was issued: Google sends one only on the first offline consent. */
  offline: boolean;
}

export class TokenStore {
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly grants = new Map<string, Grant>();
  private readonly refreshTokens = new Map<string, string>(); // token → grant id
  private readonly accessTokens = new Map<string, AccessToken>();
  // Per (account, client): the scopes granted so far and whether a refresh token went out.
  // Revocation forgets both, as Google does.
  private readonly consents = new Map<string, Consent>();

  constructor(
    private readonly now: () => number,
    private readonly accessTokenTtlSeconds: number,
  ) {}

  hasOfflineConsent(email: string, clientId: string): boolean {
    return this.consents.get(consentKey(email, clientId))?.offline === true;
  }

  /** The scopes this account has granted this client (and not revoked since). */
  grantedScopes(email: string, clientId: string): string[] {
    return [...(this.consents.get(consentKey(email, clientId))?.scopes ?? [])];
  }

  /** Records scopes the user just granted; returns every scope granted so far (the union). */
  recordConsent(email: string, clientId: string, scopes: readonly string[]): string[] {
    const key = consentKey(email, clientId);
    const consent = this.consents.get(key) ?? { scopes: [], offline: false };
    for (const scope of scopes) if (!consent.scopes.includes(scope)) consent.scopes.push(scope);
    this.consents.set(key, consent);
    return [...consent.scopes];
  }

  createCode(fields: Omit<AuthorizationCode, "code" | "expiresAt" | "used">): AuthorizationCode {
    this.prune();
    const code: AuthorizationCode = {
      ...fields,
      code: opaque("4/0A", 48),
      expiresAt: this.now() + CODE_TTL_MS,
      used: false,
    };
    this.codes.set(code.code, code);
    return code;
  }

  /** The code if it exists, is unused and unexpired — and marks it used (codes are single-use). */
  redeemCode(value: string): AuthorizationCode | undefined {
    const code = this.codes.get(value);
    if (!code || code.used || this.now() >= code.expiresAt) return undefined;
    code.used = true;
    return code;
  }

  /** Creates a grant and records its scopes as consented; `withRefreshToken` makes it offline. */
  createGrant(email: string, clientId: string, scopes: string[], withRefreshToken: boolean): Grant {
    const grant: Grant = {
      id: randomBytes(12).toString("hex"),
      email: normalizeEmail(email),
      clientId,
      scopes: [...scopes],
      createdAt: this.now(),
      revoked: false,
    };
    this.recordConsent(email, clientId, scopes);
    if (withRefreshToken) {
      grant.refreshToken = opaque("1//0", 72);
      this.refreshTokens.set(grant.refreshToken, grant.id);
      const consent = this.consents.get(consentKey(email, clientId));
      if (consent) consent.offline = true;
    }
    this.grants.set(grant.id, grant);
    if (withRefreshToken) this.enforceRefreshTokenLimit(grant.email, clientId);
    return grant;
  }

  issueAccessToken(grant: Grant): AccessToken {
    this.prune();
    const token: AccessToken = {
      token: opaque("ya29.a0", 96),
      grantId: grant.id,
      email: grant.email,
      clientId: grant.clientId,
      scopes: [...grant.scopes],
      offline: grant.refreshToken !== undefined,
      expiresAt: this.now() + this.accessTokenTtlSeconds * 1000,
    };
    this.accessTokens.set(token.token, token);
    return token;
  }

  /** The live grant a refresh token belongs to, or undefined (unknown or revoked). */
  grantForRefreshToken(refreshToken: string): Grant | undefined {
    const grantId = this.refreshTokens.get(refreshToken);
    const grant = grantId === undefined ? undefined : this.grants.get(grantId);
    return grant && !grant.revoked ? grant : undefined;
  }

  checkAccessToken(value: string): AccessTokenCheck {
    const token = this.accessTokens.get(value);
    if (!token) return { ok: false, reason: "unknown" };
    if (this.grants.get(token.grantId)?.revoked !== false) return { ok: false, reason: "revoked" };
    if (this.now() >= token.expiresAt) return { ok: false, reason: "expired" };
    return { ok: true, token };
  }

  /** Whether a grant is still in force (not revoked, nor forgotten). */
  isGrantLive(grantId: string): boolean {
    return this.grants.get(grantId)?.revoked === false;
  }

  /**
   * Revokes what a refresh or access token belongs to. Like Google, that removes the app's
   * access to the account altogether: every grant of that account and client dies.
   */
  revokeToken(value: string): boolean {
    const grant = this.liveGrantForToken(value);
    if (!grant) return false;
    this.revokeWhere((g) => g.email === grant.email && g.clientId === grant.clientId);
    this.consents.delete(consentKey(grant.email, grant.clientId));
    return true;
  }

  /**
   * The user removed access, or changed the password: every token of the account dies, and
   * every client's grants are forgotten (even a consent whose code was never exchanged).
   */
  revokeAccount(email: string): void {
    const key = normalizeEmail(email);
    this.revokeWhere((g) => g.email === key);
    for (const consent of [...this.consents.keys()]) {
      if (consent.startsWith(`${key} `)) this.consents.delete(consent);
    }
  }

  /** The account's address changed: its codes, grants and tokens stay valid under the new one. */
  renameAccount(email: string, newEmail: string): void {
    const from = normalizeEmail(email);
    const to = normalizeEmail(newEmail);
    for (const item of [
      ...this.codes.values(),
      ...this.grants.values(),
      ...this.accessTokens.values(),
    ]) {
      if (item.email === from) item.email = to;
    }
    for (const [key, consent] of [...this.consents]) {
      if (!key.startsWith(`${from} `)) continue;
      this.consents.delete(key);
      this.consents.set(`${to}${key.slice(from.length)}`, consent);
    }
  }

  expireAccessTokens(email?: string): void {
    const key = email === undefined ? undefined : normalizeEmail(email);
    const now = this.now();
    for (const token of this.accessTokens.values()) {
      if (key !== undefined && token.email !== key) continue;
      token.expiresAt = Math.min(token.expiresAt, now);
    }
  }

  private liveGrantForToken(value: string): Grant | undefined {
    const viaRefresh = this.grantForRefreshToken(value);
    if (viaRefresh) return viaRefresh;
    const check = this.checkAccessToken(value);
    return check.ok ? this.grants.get(check.token.grantId) : undefined;
  }

  private revokeWhere(match: (grant: Grant) => boolean): void {
    for (const grant of this.grants.values()) {
      if (!match(grant)) continue;
      grant.revoked = true;
      this.consents.delete(consentKey(grant.email, grant.clientId));
    }
  }

  private enforceRefreshTokenLimit(email: string, clientId: string): void {
    const live = [...this.grants.values()]
      .filter((g) => !g.revoked && g.refreshToken && g.email === email && g.clientId === clientId)
      .sort((a, b) => a.createdAt - b.createdAt);
    const excess = live.length - MAX_REFRESH_TOKENS_PER_CLIENT;
    for (const grant of live.slice(0, Math.max(0, excess))) grant.revoked = true;
  }

  /** Forgets codes and access tokens long past use, so a long-running emulator stays small. */
  private prune(): void {
    const cutoff = this.now() - 24 * 60 * 60 * 1000;
    for (const [key, code] of this.codes) if (code.expiresAt < cutoff) this.codes.delete(key);
    for (const [key, token] of this.accessTokens) {
      if (token.expiresAt < cutoff) this.accessTokens.delete(key);
    }
  }
}
