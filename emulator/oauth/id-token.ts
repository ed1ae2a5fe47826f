// Signs OpenID Connect ID tokens (RS256, key generated at start) and publishes the JWKS.
// Signing uses node:crypto rather than jose because it is synchronous: control.issueTokens()
// returns its tokens (ID token included) without a promise. Clients verify with any JOSE library.
import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";

export interface Jwk {
  kty: string;
  n: string;
  e: string;
  kid: string;
  alg: "RS256";
  use: "sig";
}

export interface IdTokenClaims {
  issuer: string;
  clientId: string;
  sub: string;
  email?: string;
  emailVerified?: boolean;
  name?: string;
  picture?: string;
  hostedDomain?: string;
  accessToken: string;
  nonce?: string;
  /** Seconds since the epoch, from the emulator's clock. */
  issuedAt: number;
  lifetimeSeconds: number;
}

/** base64url of the left half of SHA-256 of the access token (OIDC Core 3.1.3.6). */
export function accessTokenHash(accessToken: string): string {
  const digest = createHash("sha256").update(accessToken, "ascii").digest();
  return digest.subarray(0, digest.length / 2).toString("base64url");
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export class IdTokenSigner {
  private readonly privateKey: KeyObject;
  private readonly publicJwk: Jwk;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const { n, e, kty } = publicKey.export({ format: "jwk" });
    if (!n || !e || !kty) throw new Error("Could not export the ID token key.");
    // RFC 7638 thumbprint: SHA-256 of the required members in lexicographic order.
    const kid = createHash("sha256").update(JSON.stringify({ e, kty, n })).digest("base64url");
    this.privateKey = privateKey;
    this.publicJwk = { kty, n, e, kid, alg: "RS256", use: "sig" };
  }

  jwks(): { keys: Jwk[] } {
    return { keys: [this.publicJwk] };
  }

  sign(claims: IdTokenClaims): string {
    const payload: Record<string, unknown> = {
      iss: claims.issuer,
      azp: claims.clientId,
      aud: claims.clientId,
      sub: claims.sub,
    };
    // Like Google, the email claims come only with the email scope, the profile ones with profile.
    if (claims.email !== undefined) {
      payload.email = claims.email;
      payload.email_verified = claims.emailVerified ?? true;
    }
    if (claims.hostedDomain !== undefined) payload.hd = claims.hostedDomain;
    payload.at_hash = accessTokenHash(claims.accessToken);
    if (claims.nonce !== undefined) payload.nonce = claims.nonce;
    if (claims.name !== undefined) {
      payload.name = claims.name;
      if (claims.picture !== undefined) payload.picture = claims.picture;
    }
    payload.iat = claims.issuedAt;
    payload.exp = claims.issuedAt + claims.lifetimeSeconds;

    const header = { alg: "RS256", kid: this.publicJwk.kid, typ: "JWT" };
    const signingInput = `${base64url(header)}.${base64url(payload)}`;
    const signature = sign("sha256", Buffer.from(signingInput), this.privateKey);
    return `${signingInput}.${signature.toString("base64url")}`;
  }
}
