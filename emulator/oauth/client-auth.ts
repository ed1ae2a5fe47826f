// Reads client credentials from HTTP Basic (client_secret_basic) or the body (client_secret_post).
import type { IncomingMessage } from "node:http";

export interface ClientCredentials {
  clientId?: string;
  clientSecret?: string;
}

// RFC 6749 2.3.1: Basic credentials are form-urlencoded before base64, so "+" means a space.
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, " "));
  } catch {
    return value;
  }
}

function fromBasic(header: string | undefined): ClientCredentials | undefined {
  const match = /^Basic\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return {
    clientId: formDecode(decoded.slice(0, colon)),
    clientSecret: formDecode(decoded.slice(colon + 1)),
  };
}

export function clientCredentials(
  req: IncomingMessage,
  params: URLSearchParams,
): ClientCredentials {
  return (
    fromBasic(req.headers.authorization) ?? {
      clientId: params.get("client_id") ?? undefined,
      clientSecret: params.get("client_secret") ?? undefined,
    }
  );
}
