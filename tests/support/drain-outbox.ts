// Runs the worker's claim → deliver step until nothing is due: a deterministic worker for tests.
import { db } from "../../lib/db";
import { claimNextMessage } from "../../lib/queue/claim-next-message";
import { deliverMessage } from "../../lib/queue/deliver-message";

export async function drainOutbox(workerId = "test-worker"): Promise<number> {
  const prisma = await db();
  let delivered = 0;
  for (;;) {
    const message = await claimNextMessage(prisma, workerId);
    if (!message) return delivered;
    await deliverMessage(prisma, message);
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
