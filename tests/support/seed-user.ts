// Creates a signed-in Mailroom user whose Google account holds real (sealed) emulator tokens.
import type { Emulator } from "../../emulator";
import { accountTokenPlace } from "../../lib/crypto/sealed-columns";
import { tokenSealer } from "../../lib/crypto/sealer";
import { db, type Db } from "../../lib/db";
import { TEST_CLIENT } from "./test-app-env";

const SCOPE = "openid email profile https://mail.google.com/";

/** `prisma`: the database to write to (the process-wide one unless given). */
export async function seedUser(emu: Emulator, email: string, prisma?: Db) {
  const tokens = emu.control.issueTokens(email, { clientId: TEST_CLIENT.clientId, scope: SCOPE });
  return { ...(await insertConnectedUser(email, tokens, SCOPE, prisma)), tokens };
}

/** The user and account rows for tokens an emulator issued (in this process or another). */
export async function insertConnectedUser(
  email: string,
  tokens: { refreshToken: string; accessToken: string; expiresIn: number },
  scope: string,
  client?: Db,
) {
  const prisma = client ?? (await db());
  const sealer = tokenSealer();
  const user = await prisma.user.create({ data: { email } });
  // As at sign-in: the row exists first, and its tokens are sealed to its id.
  const { id } = await prisma.account.create({
    data: { userId: user.id, provider: "google", providerAccountId: `sub-${email}`, email, scope },
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
