// Checks what the emulator received against what was sent: every Message-ID exactly once,
// nothing missing, nothing extra.
import type { ReceivedMessage } from "./mailbox-collector";
import type { PhaseResult } from "./phase-types";

export function verifyDelivery(
  expected: number,
  /** Message-ID → the account that should have sent it. */
  sent: Map<string, string>,
  received: ReceivedMessage[],
): { problems: string[]; mailbox: PhaseResult["mailbox"] } {
  const problems: string[] = [];
  if (sent.size !== expected) {
    problems.push(`expected ${expected} distinct sent Message-IDs, have ${sent.size}`);
  }

  const counts = new Map<string, number>();
  for (const m of received) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
  const duplicated = [...counts].filter(([, n]) => n > 1);
  const missing = [...sent.keys()].filter((id) => !counts.has(id));
  const unexpected = [...counts.keys()].filter((id) => !sent.has(id));
  const wrongAccount = received.filter((m) => {
    const account = sent.get(m.messageId);
    return account !== undefined && account.toLowerCase() !== m.account;
  });
  if (received.length !== expected) {
    problems.push(`mailbox received ${received.length} messages, expected ${expected}`);
  }
  if (duplicated.length > 0) {
    problems.push(
      `${duplicated.length} Message-IDs arrived more than once, e.g. ${duplicated[0]?.[0]}`,
    );
  }
  if (missing.length > 0) {
    problems.push(`${missing.length} sent messages never arrived, e.g. ${missing[0]}`);
  }
  if (unexpected.length > 0) {
    problems.push(`${unexpected.length} unexpected Message-IDs arrived, e.g. ${unexpected[0]}`);
  }

  if (wrongAccount.length > 0) {
    problems.push(`${wrongAccount.length} messages went out through the wrong account`);
  }

  const totalSize = received.reduce((sum, m) => sum + m.size, 0);
  return {
    problems,
    mailbox: {
      received: received.length,
      distinctMessageIds: counts.size,
      meanSizeBytes: received.length ? Math.round(totalSize / received.length) : 0,
    },
  };
}
