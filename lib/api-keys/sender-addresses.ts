// The From addresses a user can send from: each connected Google account's own address and its
// verified Gmail send-as aliases (the outbox accepts exactly these, and compose offers the same).
import "server-only";
import type { Db } from "../db";
import { senderChoices } from "../send-as/sender-choices";

export async function senderAddresses(prisma: Db, userId: string): Promise<string[]> {
  const { choices } = await senderChoices(prisma, userId);
  return choices.map((c) => c.address);
}
