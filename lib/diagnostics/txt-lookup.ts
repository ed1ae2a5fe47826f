// TXT lookups for the sender domain checks, through the resolvers DNS_SERVERS names (the system's
// when empty), with a short timeout and a brief cache. A lookup never throws and never hangs: a
// resolver that fails or does not answer becomes { kind: "error" }, which the checks report as
// "could not check".
import "server-only";
import { Resolver } from "node:dns/promises";
import { env } from "../env";

export type TxtAnswer =
  /** Each record's character-strings joined, as SPF, DKIM and DMARC read them. */
  | { kind: "records"; records: string[] }
  /** The name does not exist, or holds no TXT record. */
  | { kind: "none" }
  | { kind: "error"; message: string };

export interface TxtLookup {
  (name: string): Promise<TxtAnswer>;
  /** Drops cached answers for a domain and every name under it (a re-check asks again). */
  forget(domain: string): void;
}

export interface TxtLookupOptions {
  /** As DNS_SERVERS: "1.1.1.1", "127.0.0.1:5353", "[::1]:53"; empty = the system's. */
  servers: string[];
  /** One query's timeout; the resolver asks once, it does not retry. */
  timeoutMs?: number;
  /** How long an answer (or a "none") is reused; failures are not cached. */
  cacheMs?: number;
  now?: () => number;
}

const DEFAULT_TIMEOUT_MS = 2_000;
const DEFAULT_CACHE_MS = 60_000;
// Answers that mean "no such record", not "could not ask".
const NO_RECORD_CODES = new Set(["ENOTFOUND", "ENODATA"]);

export function createTxtLookup(options: TxtLookupOptions): TxtLookup {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const cacheMs = options.cacheMs ?? DEFAULT_CACHE_MS;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { answer: TxtAnswer; until: number }>();

  async function ask(name: string): Promise<TxtAnswer> {
    const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
    if (options.servers.length > 0) resolver.setServers(options.servers);
    // c-ares honours its timeout; this guard is for a resolver that never calls back at all.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<TxtAnswer>((resolve) => {
      timer = setTimeout(() => {
        resolver.cancel();
        resolve({ kind: "error", message: `no answer within ${timeoutMs * 2} ms` });
      }, timeoutMs * 2);
    });
    try {
      return await Promise.race([
        resolver.resolveTxt(name).then(
          (records): TxtAnswer => ({ kind: "records", records: records.map((r) => r.join("")) }),
          (error: unknown): TxtAnswer => describeFailure(error),
        ),
        deadline,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  const lookup = async (rawName: string): Promise<TxtAnswer> => {
    const name = rawName.toLowerCase().replace(/\.$/, "");
    const cached = cache.get(name);
    if (cached && cached.until > now()) return cached.answer;
    const answer = await ask(name);
    if (answer.kind !== "error") cache.set(name, { answer, until: now() + cacheMs });
    else cache.delete(name);
    return answer;
  };

  return Object.assign(lookup, {
    forget(domain: string) {
      const suffix = `.${domain.toLowerCase()}`;
      for (const name of cache.keys()) {
        if (name === domain.toLowerCase() || name.endsWith(suffix)) cache.delete(name);
      }
    },
  });
}

function describeFailure(error: unknown): TxtAnswer {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && NO_RECORD_CODES.has(code)) return { kind: "none" };
  const reasons: Record<string, string> = {
    ETIMEOUT: "the DNS server did not answer in time",
    ECONNREFUSED: "the DNS server refused the connection",
    ESERVFAIL: "the DNS server answered SERVFAIL",
    EREFUSED: "the DNS server refused the query",
    ECANCELLED: "the lookup was cancelled",
  };
  const reason = typeof code === "string" ? (reasons[code] ?? code) : "the lookup failed";
  return { kind: "error", message: reason };
}

let shared: TxtLookup | undefined;

/** The process's lookup, configured by DNS_SERVERS; its cache is shared by every request. */
export function txtLookup(): TxtLookup {
  shared ??= createTxtLookup({ servers: env().DNS_SERVERS });
  return shared;
}
