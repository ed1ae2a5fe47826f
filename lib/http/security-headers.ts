// The headers the proxy adds to each response: a Content-Security-Policy with a fresh nonce for
// every page, and HSTS when Mailroom's public URL is HTTPS.

export interface PagePolicyOptions {
  /** Fresh for every request (createNonce); Next puts it on its own scripts and styles. */
  nonce: string;
  /** `next dev` only: React rebuilds server stacks with eval, and the dev overlay styles inline. */
  development: boolean;
  /** GOOGLE_ISSUER: where next-auth sends the browser to sign in. */
  issuer: string;
  /** Served over HTTPS: any http:// subresource is upgraded instead of loaded in the clear. */
  https: boolean;
}

/** 128 random bits, base64: unguessable, so an injected <script> cannot carry a valid nonce. */
export function createNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

/** The Content-Security-Policy of an HTML page. */
export function pageContentSecurityPolicy(options: PagePolicyOptions): string {
  const { nonce, development } = options;
  const directives = [
    "default-src 'self'",
    // 'strict-dynamic' lets the nonced bootstrap load Next's chunks; 'self' is the fallback for
    // browsers that predate it and is ignored by those that know it.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    // A nonce switches 'unsafe-inline' off, so development gets the one and production the other.
    development ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    // next-auth's sign-in is a POST to /api/auth/signin/google answered by a redirect to the
    // issuer, and Chromium applies form-action to the redirect as well: a form-based sign-in
    // needs the issuer's origin (the button today posts with fetch and navigates by script).
    `form-action 'self' ${new URL(options.issuer).origin}`,
    "frame-ancestors 'none'",
  ];
  if (options.https) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

/**
 * HSTS when the public URL (NEXTAUTH_URL) is HTTPS. That URL is the operator's statement of how
 * browsers reach Mailroom — the OAuth redirect is built from it — whereas X-Forwarded-Proto is
 * a request header anyone can send when no proxy in front rewrites it.
 */
export function strictTransportSecurity(publicUrl: string): string | undefined {
  return new URL(publicUrl).protocol === "https:"
    ? "max-age=63072000; includeSubDomains"
    : undefined;
}
