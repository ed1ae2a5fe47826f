// A small authoritative DNS server over UDP for the records a test or the demo names: TXT (SPF,
// DKIM, DMARC) and A records. It answers NXDOMAIN for names it does not hold, so Mailroom's
// sender domain checks run against known answers with no network. dns-packet does the wire format.
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import * as packet from "dns-packet";

/** One name's records. A TXT record longer than 255 characters is sent as several strings. */
export interface DnsRecords {
  TXT?: string[];
  A?: string[];
}

/** Name (any case, without a trailing dot) → its records. */
export type DnsZone = Record<string, DnsRecords>;

export interface DnsServer {
  host: string;
  port: number;
  /** "host:port", as DNS_SERVERS takes it. */
  address: string;
  /** Replaces every record the server holds. */
  setRecords(zone: DnsZone): void;
  close(): Promise<void>;
}

const TTL_SECONDS = 60;

export async function startDnsServer(
  options: {
    host?: string;
    port?: number;
    /** The records, or where to read them on each question (the emulator's control API changes them). */
    records?: DnsZone | (() => DnsZone);
  } = {},
): Promise<DnsServer> {
  const host = options.host ?? "127.0.0.1";
  let records = options.records ?? {};
  const socket = createSocket(host.includes(":") ? "udp6" : "udp4");

  socket.on("message", (message, peer) => {
    let query: packet.DecodedPacket;
    try {
      query = packet.decode(message);
    } catch {
      return; // not a DNS message: a real server drops it too
    }
    const zone = normalize(typeof records === "function" ? records() : records);
    reply(socket, peer, answer(zone, query));
  });

  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(options.port ?? 0, host, () => {
      socket.off("error", reject);
      resolve();
    });
  });
  const port = socket.address().port;

  return {
    host,
    port,
    address: host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`,
    setRecords(zone) {
      records = zone;
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

function normalize(records: DnsZone): Map<string, DnsRecords> {
  return new Map(
    Object.entries(records).map(([name, value]) => [name.toLowerCase().replace(/\.$/, ""), value]),
  );
}

function answer(zone: Map<string, DnsRecords>, query: packet.DecodedPacket): packet.Packet {
  const question = query.questions?.[0];
  const base = {
    id: query.id,
    type: "response" as const,
    flags: packet.AUTHORITATIVE_ANSWER | ((query.flags ?? 0) & packet.RECURSION_DESIRED),
    questions: query.questions,
  };
  if (!question) return { ...base, flags: base.flags | 1 /* FORMERR */ };
  const records = zone.get(question.name.toLowerCase().replace(/\.$/, ""));
  // NXDOMAIN: no such name at all (rcode 3 lives in the low bits of the flags).
  if (!records) return { ...base, flags: base.flags | 3, answers: [] };
  const answers: packet.Answer[] = [];
  if (question.type === "TXT") {
    for (const text of records.TXT ?? []) {
      answers.push({
        type: "TXT",
        name: question.name,
        ttl: TTL_SECONDS,
        data: chunk(text),
      });
    }
  }
  if (question.type === "A") {
    for (const address of records.A ?? []) {
      answers.push({ type: "A", name: question.name, ttl: TTL_SECONDS, data: address });
    }
  }
  return { ...base, answers };
}

/** A TXT record's character-strings hold at most 255 bytes each. */
function chunk(text: string): string[] {
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += 255) parts.push(text.slice(i, i + 255));
  return parts.length > 0 ? parts : [""];
}

function reply(socket: Socket, peer: RemoteInfo, response: packet.Packet): void {
  socket.send(packet.encode(response), peer.port, peer.address);
}
