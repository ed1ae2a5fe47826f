// next-auth's storage on Mailroom's schema. Unlike the stock adapter it never writes a token in
// plaintext: linkAccount stores ids only and saveGoogleTokens seals the tokens.
import "server-only";
import type { Adapter, AdapterAccount, AdapterSession, AdapterUser } from "next-auth/adapters";
import type { Db } from "../db";
import { saveGoogleTokens } from "./save-google-tokens";

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
      const user = await prisma.user.findUniqueOrThrow({ where: { id: account.userId } });
      await prisma.account.create({
        data: {
          userId: account.userId,
          provider: account.provider,
          providerAccountId: account.providerAccountId,
          email: user.email,
        },
      });
      await saveGoogleTokens(prisma, account, { email: user.email });
    },
    async createSession(session) {
      const s = await prisma.session.create({ data: session });
      return { sessionToken: s.sessionToken, userId: s.userId, expires: s.expires };
    },
    async getSessionAndUser(sessionToken) {
      const s = await prisma.session.findUnique({
        where: { sessionToken },
        include: { user: true },
      });
      if (!s) return null;
      const session: AdapterSession = {
        sessionToken: s.sessionToken,
        userId: s.userId,
        expires: s.expires,
      };
      return { session, user: toUser(s.user) };
    },
    async updateSession(session) {
      const s = await prisma.session.update({
        where: { sessionToken: session.sessionToken },
        data: { ...(session.expires ? { expires: session.expires } : {}) },
      });
      return { sessionToken: s.sessionToken, userId: s.userId, expires: s.expires };
    },
    async deleteSession(sessionToken) {
      await prisma.session.deleteMany({ where: { sessionToken } });
    },
  };
}
