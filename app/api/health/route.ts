import { db } from "@/lib/db";
import { liveWorkers } from "@/lib/sending/live-workers";

export const dynamic = "force-dynamic";

// 200 when the app, the database and at least one outbox worker are alive.
export async function GET(): Promise<Response> {
  try {
    const workerAlive = (await liveWorkers(await db())).length > 0;
    return Response.json(
      {
        status: workerAlive ? "ok" : "degraded",
        database: "ok",
        worker: workerAlive ? "ok" : "no live worker",
      },
      { status: workerAlive ? 200 : 503 },
    );
  } catch {
    return Response.json({ status: "down", database: "unreachable" }, { status: 503 });
  }
}
