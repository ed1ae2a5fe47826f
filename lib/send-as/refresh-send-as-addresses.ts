// Asks Gmail which addresses an account may send as and stores the answer in place of the last
// one: the account's own address and its aliases, verified or not (the accept check tells them
// apart). The Gmail call runs before the transaction, never inside it.
import "server-only";
import { db } from "../db";
import { getAccessToken } from "../google/access-token";
import { listSendAs } from "../google/list-send-as";

export interface RefreshedSendAs {
  addresses: number;
  refreshedAt: Date;
}

export async function refreshSendAsAddresses(accountId: string): Promise<RefreshedSendAs> {
  const { accessToken } = await getAccessToken(accountId);
  const listed = await listSendAs(accessToken);
  // Gmail lists each address once; a repeat would break the (account, address) key.
  const unique = [...new Map(listed.map((s) => [s.address, s])).values()];
  const refreshedAt = new Date();
  const prisma = await db();
  await prisma.$transaction([
    prisma.sendAsAddress.deleteMany({ where: { accountId } }),
    prisma.sendAsAddress.createMany({
      data: unique.map((s) => ({
        accountId,
        address: s.address,
        displayName: s.displayName,
        replyTo: s.replyTo,
        isPrimary: s.isPrimary,
        isDefault: s.isDefault,
        verificationStatus: s.verificationStatus,
        refreshedAt,
      })),
    }),
  ]);
  return { addresses: unique.length, refreshedAt };
}
