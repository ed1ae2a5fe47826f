// Which requests the emulator answers: only those addressed to its own host names (a DNS-rebound
// page cannot reach it), and for operations that change state, no cross-site browser requests
// and JSON bodies only (a cross-site form cannot send application/json).
import type { IncomingMessage } from "node:http";
import { isIP, isIPv4 } from "node:net";
import { apiError } from "./http-error";

/** The names this emulator answers to, and how to list them in an error. */
export interface OwnHosts {
  accepts(name: string): boolean;
  description: string;
}

/** The name part of a Host header ("localhost", "127.0.0.1", "[::1]"), lower-cased; else undefined. */
export function hostName(header: string): string | undefined {
  // Strict on purpose: no userinfo, path or stray brackets can smuggle a second name in.
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/i.exec(header.trim());
  return match?.[1]?.toLowerCase();
}

function isLoopback(name: string): boolean {
  return name === "localhost" || name === "[::1]" || (isIPv4(name) && name.startsWith("127."));
}

/** A name as it appears in a Host header: IPv6 addresses in brackets; wildcards name nothing. */
function asHostName(name: string): string | undefined {
  const lower = name.trim().toLowerCase();
  if (lower === "" || lower === "0.0.0.0" || lower === "::" || lower === "[::]") return undefined;
  return isIP(lower) === 6 ? `[${lower}]` : lower;
}

/** Loopback names, plus the address the emulator listens on and any names it was told to answer to. */
export function ownHosts(listenHost: string, extraNames: string[] = []): OwnHosts {
  const own = new Set(
    [listenHost, ...extraNames].map(asHostName).filter((n): n is string => n !== undefined),
  );
  return {
    accepts: (name) => isLoopback(name) || own.has(name),
    description: [
      "localhost",
      "127.0.0.0/8",
      "[::1]",
      ...[...own].filter((n) => !isLoopback(n)),
    ].join(", "),
  };
}

/** 421 unless the Host header names this emulator. */
export function requireOwnHost(req: IncomingMessage, hosts: OwnHosts): void {
  const header = req.headers.host;
  const name = header === undefined ? undefined : hostName(header);
  if (name !== undefined && hosts.accepts(name)) return;
  throw apiError(
    421,
    "misdirected_request",
    `This emulator answers only to ${hosts.description}; the request's Host header was ` +
      `${header === undefined ? "missing" : JSON.stringify(header)}. Use the emulator's own address, ` +
      "or start it with --allowed-host <name> (allowedHosts) to answer to another name.",
  );
}

/**
 * 403 for a browser request another site started. Sec-Fetch-Site is what modern browsers send;
 * Origin covers older ones (an own page's form posts "Origin: null" under no-referrer).
 */
export function refuseCrossSite(req: IncomingMessage, hosts: OwnHosts): void {
  const site = req.headers["sec-fetch-site"];
  const origin = req.headers.origin;
  let foreignOrigin = false;
  if (origin !== undefined && origin !== "null") {
    try {
      const name = hostName(new URL(origin).host);
      foreignOrigin = name === undefined || !hosts.accepts(name);
    } catch {
      foreignOrigin = true;
    }
  }
  if (site === "cross-site" || site === "same-site" || foreignOrigin) {
    throw apiError(
      403,
      "cross_site_request",
      "The emulator does not accept state-changing requests started by another site's page.",
    );
  }
}

/** 415 when a request carries a body (or declares a type) that is not application/json. */
export function requireJsonBody(req: IncomingMessage): void {
  const type = req.headers["content-type"];
  const length = Number(req.headers["content-length"] ?? "0");
  const hasBody = req.headers["transfer-encoding"] !== undefined || length > 0;
  if (type === undefined && !hasBody) return;
  const media = (type ?? "").split(";")[0]?.trim().toLowerCase();
  if (media === "application/json") return;
  throw apiError(
    415,
    "unsupported_media_type",
    `The control API accepts only JSON bodies (Content-Type: application/json); got ${
      type === undefined ? "no Content-Type" : JSON.stringify(type)
    }.`,
  );
}
