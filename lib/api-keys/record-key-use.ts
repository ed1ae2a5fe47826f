// Notes when and from where (which door, which address) a key was last used, for the settings
// page. Written at most once a minute per key and process (or when the door or the caller's address
// changes), outside the request's own work: the time shown is to the minute, and a busy key costs
// no write per request.
import "server-only";
import { db } from "../db";
import { oneLine } from "../errors/one-line";

const MIN_INTERVAL_MS = 60_000;
const written = new Map<string, { at: number; ip: string; source: string }>();

export function recordKeyUse(keyId: string, source: "api" | "relay", ip: string | undefined): void {
  const now = Date.now();
  const last = written.get(keyId);
  const address = ip?.slice(0, 100) ?? "";
  if (last && now - last.at < MIN_INTERVAL_MS && last.ip === address && last.source === source) {
    return;
  }
  written.set(keyId, { at: now, ip: address, source });
  void db()
    .then((prisma) =>
      prisma.apiKey.update({
        where: { id: keyId },
        data: { lastUsedAt: new Date(now), lastUsedSource: source, lastUsedIp: address || null },
      }),
    )
    .catch((error: unknown) => {
      written.delete(keyId);
      console.error(`api-keys: recording a key's use failed: ${oneLine(error)}`);
    });
}
