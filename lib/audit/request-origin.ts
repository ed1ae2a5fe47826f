// Where the current request came from (IP and user agent), for the audit log. Outside a
// request (the worker, a command) there is none.
import "server-only";
import { headers } from "next/headers";

export interface RequestOrigin {
  ip?: string;
  userAgent?: string;
}

export async function requestOrigin(): Promise<RequestOrigin> {
  let h: Headers;
  try {
    h = await headers();
  } catch {
    return {};
  }
  // Next.js sets X-Forwarded-For to the peer's address when no proxy in front set it first.
  const forwarded = h.get("x-forwarded-for")?.split(",")[0]?.trim();
  return {
    ip: forwarded || h.get("x-real-ip") || undefined,
    userAgent: h.get("user-agent") ?? undefined,
  };
}
