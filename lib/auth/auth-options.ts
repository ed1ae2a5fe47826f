// next-auth configuration: Google (endpoints from GOOGLE_ISSUER discovery), PKCE + state,
// offline access with consent every time so Google always returns a refresh token.
import "server-only";
import type { AuthOptions } from "next-auth";
import GoogleProvider from "next-auth/providers/google";
import type { Db } from "../db";
import { env } from "../env";
import { hasGmailScope, SIGN_IN_SCOPES } from "../google/scopes";
import { mailroomAdapter } from "./prisma-adapter";
import { saveGoogleTokens } from "./save-google-tokens";

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
      async signIn({ account }) {
        if (!account) return false;
        if (!hasGmailScope(account.scope)) return "/?error=MissingMailScope";
        if (!account.refresh_token) {
          const stored = await prisma.account.findUnique({
            where: {
              provider_providerAccountId: {
                provider: account.provider,
                providerAccountId: account.providerAccountId,
              },
            },
            select: { refreshTokenSealed: true },
          });
          if (!stored?.refreshTokenSealed) return "/?error=NoRefreshToken";
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
        await saveGoogleTokens(prisma, account, claims);
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
