// A Mailroom user with a connected Google account holding real (sealed) emulator tokens, as
// tests/support/seed-user.ts makes them, for an emulator in this process or another one.
import { accountTokenPlace } from "../lib/crypto/sealed-columns";
import { tokenSealer } from "../lib/crypto/sealer";
import { db } from "../lib/db";
import { GMAIL_SCOPE, type BenchEmulator } from "./bench-emulator";

export async function seedSender(emu: BenchEmulator, email: string) {
  const prisma = await db();
  const sealer = tokenSealer();
  const tokens = await emu.issueTokens(email);
  const user = await prisma.user.create({ data: { email } });
  // As at sign-in: the row exists first, and its tokens are sealed to its id.
  const { id } = await prisma.account.create({
    data: {
      userId: user.id,
      provider: "google",
      providerAccountId: `sub-${email}`,
      email,
      scope: GMAIL_SCOPE,
    },
  });
  const account = await prisma.account.update({
    where: { id },
    data: {
      refreshTokenSealed: sealer.seal(
        tokens.refreshToken,
        accountTokenPlace(id, "refreshTokenSealed"),
      ),
      accessTokenSealed: sealer.seal(
        tokens.accessToken,
        accountTokenPlace(id, "accessTokenSealed"),
      ),
      accessTokenExpiresAt: new Date(Date.now() + tokens.expiresIn * 1000),
    },
  });
  return { user, account };
}
