// A Mailroom user with a connected Google account holding real (sealed) emulator tokens, as
// the tests make them, for an emulator in this process or another one.
import { insertConnectedUser } from "../tests/support/seed-user";
import { GMAIL_SCOPE, type BenchEmulator } from "./bench-emulator";

export async function seedSender(emu: BenchEmulator, email: string) {
  return insertConnectedUser(email, await emu.issueTokens(email), GMAIL_SCOPE);
}
