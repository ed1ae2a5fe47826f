// A separate process asking lib/google/access-token for accounts' tokens, for the tests of one
// refresh per account across processes. Started by access-token-processes.ts with the test's
// environment. On stdio: prints "ready" once its database is open; then, for each line
// {"accountIds": [...], "forceRefresh": bool} on stdin, asks for every account's token at once
// and prints "tokens <json>" (account id → SHA-256 of its token, never a token).
import { createHash } from "node:crypto";
import { createInterface } from "node:readline";
import { db } from "../../lib/db";
import { getAccessToken } from "../../lib/google/access-token";

try {
  // Open before "ready", so that the sibling processes ask at the same moment.
  const prisma = await db();
  await prisma.account.count();
  console.log("ready");

  for await (const line of createInterface({ input: process.stdin })) {
    const { accountIds, forceRefresh } = JSON.parse(line) as {
      accountIds: string[];
      forceRefresh: boolean;
    };
    const tokens = await Promise.all(accountIds.map((id) => getAccessToken(id, { forceRefresh })));
    const fingerprints: Record<string, string> = {};
    tokens.forEach((token, i) => {
      fingerprints[accountIds[i]!] = createHash("sha256").update(token.accessToken).digest("hex");
    });
    console.log(`tokens ${JSON.stringify(fingerprints)}`);
  }
} catch (error) {
  console.error(`access-token-child: ${(error as Error).name}: ${(error as Error).message}`);
  process.exit(1);
}
