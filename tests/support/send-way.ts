// Sets how a seeded account sends, as the status page will: its way, and for the app-password
// way the password sealed to the row like the tokens. Nothing else: the next claim carries the
// change to the worker (its sendVersion), as it does for a change made on the status page.
import { accountTokenPlace } from "../../lib/crypto/sealed-columns";
import { tokenSealer } from "../../lib/crypto/sealer";
import { db } from "../../lib/db";
import type { SendWay } from "../../lib/sending/ways/send-ways";

export async function setSendWay(accountId: string, way: SendWay): Promise<void> {
  const prisma = await db();
  await prisma.account.update({ where: { id: accountId }, data: { sendWay: way } });
}

/**
 * Stores `password` sealed as the account's app password, switches it to the app-password way
 * and, with `resume`, clears a pause the way adding a password on the status page would.
 */
export async function storeAppPassword(
  accountId: string,
  password: string,
  options: { resume?: boolean } = {},
): Promise<void> {
  const prisma = await db();
  await prisma.account.update({
    where: { id: accountId },
    data: {
      sendWay: "app_password",
      appPasswordSealed: tokenSealer().seal(
        password,
        accountTokenPlace(accountId, "appPasswordSealed"),
      ),
      appPasswordAddedAt: new Date(),
      ...(options.resume
        ? { reconnectReason: null, reconnectSince: null, reconnectCause: null }
        : {}),
    },
  });
}
