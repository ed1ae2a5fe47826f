// Finds the access token of an API request: "Authorization: Bearer …" or ?access_token=.
import type { IncomingMessage } from "node:http";

export function bearerToken(req: IncomingMessage, url: URL): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  return match?.[1] ?? url.searchParams.get("access_token") ?? undefined;
}
