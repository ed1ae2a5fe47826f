// next-auth's storage on Mailroom's schema. Unlike the stock adapter it never writes a token in
// plaintext: linkAccount stores ids only and saveGoogleTokens seals the tokens.
import "server-only";
import type { Adapter, AdapterAccount, AdapterSession, AdapterUser } from "next-auth/adapters";
import type { Db } from "../db";
import { recordAuditEvent } from "../audit/record-audit-event";
import { saveGoogleTokens } from "./save-google-tokens";
import { hashSessionToken } from "./session-token";

export function mailroomAdapter(prisma: Db): Adapter {
  const toUser = (u: {
    id: string;
    email: string;
    name: string | null;
    image: string | null;
    emailVerified: Date | null;
  }): AdapterUser => ({
    id: u.id,
    email: u.email,
    name: u.name,
    image: u.image,
    emailVerified: u.emailVerified,
  });

  return {
    async createUser(user: Omit<AdapterUser, "id">) {
      return toUser(
        await prisma.user.create({
          data: {
            email: user.email.toLowerCase(),
            name: user.name ?? null,
            image: user.image ?? null,
            emailVerified: user.emailVerified,
          },
        }),
      );
    },
    async getUser(id) {
      const u = await prisma.user.findUnique({ where: { id } });
      return u ? toUser(u) : null;
    },
    async getUserByEmail(email) {
      const u = await prisma.user.findUnique({ where: { email: email.toLowerCase() } });
      return u ? toUser(u) : null;
    },
    async getUserByAccount({ provider, providerAccountId }) {
      const account = await prisma.account.findUnique({
        where: { provider_providerAccountId: { provider, providerAccountId } },
        include: { user: true },
      });
      return account ? toUser(account.user) : null;
    },
    async updateUser(user) {
      return toUser(
        await prisma.user.update({
          where: { id: user.id },
          data: {
            name: user.name ?? undefined,
            image: user.image ?? undefined,
            emailVerified: user.emailVerified ?? undefined,
          },
        }),
      );
    },
    async linkAccount(account: AdapterAccount) {
      const user = await prisma.$transaction(async (tx) => {
        const user = await tx.user.findUniqueOrThrow({ where: { id: account.userId } });
        // One Google account per user: the sign-in callback refuses a second one with a clear
        // message; this keeps the rule even if a path around the callback appears.
        const other = await tx.account.findFirst({
          where: { userId: user.id, provider: account.provider },
          select: { id: true },
        });
        if (other) throw new Error("refusing to link a second Google account to a user");
        await tx.account.create({
          data: {
            userId: account.userId,
            provider: account.provider,
            providerAccountId: account.providerAccountId,
            email: user.email,
          },
        });
        await recordAuditEvent(tx, {
          kind: "account_linked",
          userId: user.id,
          email: user.email,
          detail: `Google account ${account.providerAccountId} linked`,
        });
        return user;
      });
      await saveGoogleTokens(prisma, account, { email: user.email });
    },
    // Only a hash of the session token is stored; the cookie holds the token itself.
    async createSession(session) {
      const s = await prisma.$transaction(async (tx) => {
        const created = await tx.session.create({
          data: {
            tokenHash: hashSessionToken(session.sessionToken),
            userId: session.userId,
            expires: session.expires,
          },
          include: { user: { select: { email: true } } },
        });
        await recordAuditEvent(tx, {
          kind: "sign_in",
          userId: session.userId,
          email: created.user.email,
          detail: "Signed in with Google",
        });
        return created;
      });
      return { sessionToken: session.sessionToken, userId: s.userId, expires: s.expires };
    },
    async getSessionAndUser(sessionToken) {
      const s = await prisma.session.findUnique({
        where: { tokenHash: hashSessionToken(sessionToken) },
        include: { user: true },
      });
      if (!s) return null;
      const session: AdapterSession = { sessionToken, userId: s.userId, expires: s.expires };
      return { session, user: toUser(s.user) };
    },
    async updateSession(session) {
      const s = await prisma.session.update({
        where: { tokenHash: hashSessionToken(session.sessionToken) },
        data: { ...(session.expires ? { expires: session.expires } : {}) },
      });
      return { sessionToken: session.sessionToken, userId: s.userId, expires: s.expires };
    },
    async deleteSession(sessionToken) {
      await prisma.$transaction(async (tx) => {
        const s = await tx.session.findUnique({
          where: { tokenHash: hashSessionToken(sessionToken) },
          include: { user: { select: { email: true } } },
        });
        if (!s) return;
        await tx.session.delete({ where: { id: s.id } });
        await recordAuditEvent(tx, {
          kind: "sign_out",
          userId: s.userId,
          email: s.user.email,
          detail: s.expires < new Date() ? "Session expired" : "Signed out",
        });
      });
    },
  };
}
