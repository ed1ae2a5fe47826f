// Creates a signed-in Mailroom user whose Google account holds real (sealed) emulator tokens.
import type { Emulator } from "../../emulator";
import { tokenSealer } from "../../lib/crypto/sealer";
import { db } from "../../lib/db";
import { TEST_CLIENT } from "./test-app-env";

export async function seedUser(emu: Emulator, email: string) {
  const prisma = await db();
  const sealer = tokenSealer();
  const tokens = emu.control.issueTokens(email, {
    clientId: TEST_CLIENT.clientId,
    scope: "openid email profile https://mail.google.com/",
  });
  const user = await prisma.user.create({ data: { email } });
  const account = await prisma.account.create({
    data: {
      userId: user.id,
      provider: "google",
      providerAccountId: `sub-${email}`,
      email,
      scope: "openid email profile https://mail.google.com/",
      refreshTokenSealed: sealer.seal(tokens.refreshToken),
      accessTokenSealed: sealer.seal(tokens.accessToken),
      accessTokenExpiresAt: new Date(Date.now() + tokens.expiresIn * 1000),
    },
  });
  return { user, account, tokens };
}
