// The transport half of a connection test — DNS, TCP, then TLS with the certificate verified —
// shared by the status page's test (which goes on to sign in) and the setup check (which stops).
import "server-only";
import type { TLSSocket } from "node:tls";
import { checkDns } from "./check-dns";
import { checkTcp } from "./check-tcp";
import { checkTls } from "./check-tls";
import { runStep, type DiagnosticSession } from "./run-step";
import type { Target } from "./explain-failure";
import type { StepResult } from "./types";

/** A session for one target; every socket it opens is closed by `closeSession`. */
export function openSession(target: Target, timeoutMs: number): DiagnosticSession {
  return { target, timeoutMs, sockets: [], closed: false };
}

/**
 * Runs DNS, TCP and TLS, stopping at the first that fails; `secured` only when all passed.
 * With `tls: false` (a plain-http Gmail API emulator) it stops after TCP.
 */
export async function secureConnection(
  session: DiagnosticSession,
  options: { tls?: boolean } = {},
): Promise<{ steps: StepResult[]; secured?: TLSSocket }> {
  const dns = await runStep("dns", session, () => checkDns(session));
  if (!dns.value) return { steps: [dns.result] };
  const addresses = dns.value;
  const tcp = await runStep("tcp", session, () => checkTcp(session, addresses));
  if (!tcp.value) return { steps: [dns.result, tcp.result] };
  if (options.tls === false) return { steps: [dns.result, tcp.result] };
  const plain = tcp.value;
  const tls = await runStep("tls", session, () => checkTls(session, plain));
  return { steps: [dns.result, tcp.result, tls.result], secured: tls.value };
}

export function closeSession(session: DiagnosticSession): void {
  session.closed = true;
  // Outermost first: destroying the TCP socket under a live TLS socket crashed Node in testing.
  for (const socket of session.sockets.reverse()) socket.destroy();
}
