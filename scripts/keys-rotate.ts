// `npm run keys:rotate`: re-seals every stored token with TOKEN_ENCRYPTION_KEY, each bound to its
// row and column, so the keys in TOKEN_ENCRYPTION_OLD_KEYS can then be removed.
import { loadConfigOrExit } from "./load-config";

loadConfigOrExit();
const { db } = await import("../lib/db");
const { tokenSealer } = await import("../lib/crypto/sealer");
const { describeRotation, rotateSealedTokens, RotationError } =
  await import("../lib/crypto/rotate-sealed-tokens");

const prisma = await db();
let exitCode = 0;
try {
  const report = await rotateSealedTokens(prisma, tokenSealer());
  console.log(describeRotation(report));
  if (Object.keys(report.remaining).length > 0) exitCode = 1;
} catch (error) {
  if (!(error instanceof RotationError)) throw error;
  console.error(`keys:rotate: ${error.message}`);
  for (const f of error.failures) {
    console.error(`  account ${f.accountId} (${f.email}), ${f.column}: ${f.reason}`);
  }
  console.error(
    "  If a key is missing, add it to TOKEN_ENCRYPTION_OLD_KEYS and run again. A token that was\n" +
      "  tampered with cannot be recovered: have the account's owner sign in again (that stores a\n" +
      "  new one), or clear the column, then run again.",
  );
  exitCode = 1;
} finally {
  await prisma.$disconnect();
}
process.exit(exitCode);
