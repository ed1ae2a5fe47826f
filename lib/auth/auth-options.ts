// next-auth configuration: Google (endpoints from GOOGLE_ISSUER discovery), PKCE + state,
// offline access with consent every time so Google always returns a refresh token.
import "server-only";
import type { AuthOptions } from "next-auth";
import GoogleProvider from "next-auth/providers/google";
import type { Db } from "../db";
import { recordAuditEvent } from "../audit/record-audit-event";
import { env } from "../env";
import { hasGmailScope, hasSendingScope, SIGN_IN_SCOPES } from "../google/scopes";
import { refreshSendAsAtSignIn } from "../send-as/refresh-send-as-at-sign-in";
import { mailroomAdapter } from "./prisma-adapter";
import { saveGoogleTokens } from "./save-google-tokens";
import type { SignInRefusal } from "./sign-in-errors";
import { isEmailAllowed } from "./sign-in-policy";
import { signedInUserId } from "./signed-in-user-id";

export function buildAuthOptions(prisma: Db): AuthOptions {
  const config = env();
  return {
    adapter: mailroomAdapter(prisma),
    secret: config.NEXTAUTH_SECRET,
    session: { strategy: "database", maxAge: 30 * 24 * 60 * 60 },
    pages: { signIn: "/", error: "/" },
    providers: [
      GoogleProvider({
        clientId: config.GOOGLE_CLIENT_ID,
        clientSecret: config.GOOGLE_CLIENT_SECRET,
        issuer: config.GOOGLE_ISSUER,
        wellKnown: `${config.GOOGLE_ISSUER.replace(/\/$/, "")}/.well-known/openid-configuration`,
        checks: ["pkce", "state"],
        httpOptions: { timeout: 15_000 },
        // One Google account per email: signing in again relinks to the same user.
        allowDangerousEmailAccountLinking: false,
        authorization: {
          params: { scope: SIGN_IN_SCOPES, access_type: "offline", prompt: "consent" },
        },
      }),
    ],
    callbacks: {
      async signIn({ account, profile }) {
        if (!account) return false;
        const claims = (profile ?? {}) as { email?: string; email_verified?: boolean | string };
        const email = claims.email?.toLowerCase();
        const refuse = async (code: SignInRefusal, detail: string, userId?: string) => {
          await recordAuditEvent(prisma, { kind: "sign_in_refused", userId, email, detail });
          return `/?error=${code}`;
        };
        if (!email) return refuse("EmailNotVerified", "Google did not share an email address");
        // An unverified address could belong to anyone; the allowlist means nothing without it.
        if (claims.email_verified !== true && claims.email_verified !== "true") {
          return refuse("EmailNotVerified", "Google has not verified this email address");
        }
        if (!isEmailAllowed(email)) {
          return refuse("NotAllowed", "Not on ALLOWED_EMAILS or ALLOWED_DOMAINS");
        }
        const existing = await prisma.account.findUnique({
          where: {
            provider_providerAccountId: {
              provider: account.provider,
              providerAccountId: account.providerAccountId,
            },
          },
          select: { userId: true, refreshTokenSealed: true },
        });
        // next-auth links any account signed in during a session to that session's user; that
        // account could then sign in as this user. Only the user's own account may come back.
        const signedIn = await signedInUserId(prisma);
        if (signedIn && existing?.userId !== signedIn) {
          await recordAuditEvent(prisma, {
            kind: "account_link_refused",
            userId: signedIn,
            email,
            detail: "Another Google account signed in during this session; not linked",
          });
          return "/?error=AccountLinkRefused";
        }
        // Either sending scope will do: the full Gmail scope (SMTP) or gmail.send (Gmail API).
        if (!hasSendingScope(account.scope)) {
          return refuse("MissingMailScope", "No Gmail sending scope was granted", existing?.userId);
        }
        if (!account.refresh_token && !existing?.refreshTokenSealed) {
          return refuse("NoRefreshToken", "Google gave no refresh token", existing?.userId);
        }
        return true;
      },
      session({ session, user }) {
        return { ...session, user: { ...session.user, id: user.id } };
      },
    },
    events: {
      async signIn({ account, profile }) {
        if (!account) return;
        const claims = (profile ?? {}) as { email?: string; hd?: string };
        const saved = await saveGoogleTokens(prisma, account, claims);
        // With the new token stored: which addresses Gmail now lets this account send as. Gmail
        // lists them only to a token that may read settings; gmail.send alone may not.
        if (saved && hasGmailScope(account.scope)) await refreshSendAsAtSignIn(saved.accountId);
      },
    },
    logger: {
      // next-auth's default logger prints whole error objects, which can carry tokens.
      error: (code) => console.error(`next-auth error: ${code}`),
      warn: (code) => console.warn(`next-auth warning: ${code}`),
      debug: () => undefined,
    },
  };
}
