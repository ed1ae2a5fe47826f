// Who is connected to the relay, by address: loopback clients may log in without TLS, and each
// address may hold only so many connections at once, so one client cannot starve the others.
import type { SMTPServerSession } from "smtp-server";

/** The client's address, with an IPv4 address mapped into IPv6 ("::ffff:1.2.3.4") unwrapped. */
export function clientAddress(session: { remoteAddress: string }): string {
  const address = session.remoteAddress || "";
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

/** 127.0.0.0/8 or ::1: the same machine, where the connection never crosses a network. */
export function isLoopbackAddress(address: string): boolean {
  const plain = clientAddress({ remoteAddress: address });
  return plain === "::1" || /^127(\.\d{1,3}){3}$/.test(plain);
}

/** Counts each address's open connections; refuses one past `max`. */
export class ConnectionsPerAddress {
  private readonly open = new Map<string, Set<string>>();

  constructor(private readonly max: number) {}

  /** Takes a slot for the session; false when its address already holds `max`. */
  admit(session: SMTPServerSession): boolean {
    const address = clientAddress(session);
    const sessions = this.open.get(address) ?? new Set<string>();
    if (sessions.size >= this.max) return false;
    sessions.add(session.id);
    this.open.set(address, sessions);
    return true;
  }

  /** Frees the session's slot (nothing when it never had one). */
  release(session: SMTPServerSession): void {
    const address = clientAddress(session);
    const sessions = this.open.get(address);
    if (!sessions?.delete(session.id)) return;
    if (sessions.size === 0) this.open.delete(address);
  }
}
