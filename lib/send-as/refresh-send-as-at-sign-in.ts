// The send-as refresh a sign-in runs once its tokens are saved. A sign-in must work while Gmail's
// settings API does not: a failure is logged (the reason only, never a token) and the addresses
// Gmail gave last time stay, to be refreshed from compose later.
import "server-only";
import { oneLine } from "../errors/one-line";
import { refreshSendAsAddresses } from "./refresh-send-as-addresses";

export async function refreshSendAsAtSignIn(accountId: string): Promise<void> {
  try {
    await refreshSendAsAddresses(accountId);
  } catch (error) {
    const reason = oneLine(error).slice(0, 300);
    console.warn(`send-as: addresses not refreshed at sign-in for account ${accountId}: ${reason}`);
  }
}
