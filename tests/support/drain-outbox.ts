// Runs the worker's claim → deliver step until nothing is due: a deterministic worker for tests.
import { db } from "../../lib/db";
import { outbox } from "../../lib/outbox/open-outbox";
import { claimNextMessage } from "../../lib/sending/claim-messages";
import { deliverMessage } from "../../lib/sending/deliver-message";

export async function drainOutbox(workerId = "test-worker"): Promise<number> {
  const store = await outbox();
  let delivered = 0;
  for (;;) {
    const message = await claimNextMessage(store, workerId);
    if (!message) return delivered;
    await deliverMessage(store, message);
    delivered++;
  }
}

/** Makes every deferred message due now, as if its backoff had passed. */
export async function fastForwardRetries(): Promise<void> {
  const prisma = await db();
  await prisma.message.updateMany({
    where: { status: "deferred" },
    data: { nextAttemptAt: new Date(0) },
  });
}
