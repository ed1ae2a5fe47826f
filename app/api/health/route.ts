import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

const HEARTBEAT_STALE_MS = 60_000;

// 200 when the app, the database and at least one outbox worker are alive.
export async function GET(): Promise<Response> {
  try {
    const prisma = await db();
    const beat = await prisma.workerHeartbeat.findFirst({ orderBy: { beatAt: "desc" } });
    const workerAlive = !!beat && Date.now() - beat.beatAt.getTime() < HEARTBEAT_STALE_MS;
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
