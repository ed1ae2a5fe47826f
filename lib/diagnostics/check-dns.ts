// Step 1: resolve the SMTP host the way the operating system does (node:dns lookup).
import "server-only";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { DiagnosticSession, StepOutcome } from "./run-step";

export async function checkDns(session: DiagnosticSession): Promise<StepOutcome<string[]>> {
  const { host } = session.target;
  if (isIP(host)) {
    return {
      value: [host],
      detail: `${host} is an IP address; nothing to look up.`,
      facts: { addresses: [host] },
    };
  }
  const found = await lookup(host, { all: true });
  const addresses = [...new Set(found.map((a) => a.address))];
  return {
    value: addresses,
    detail: `${host} resolves to ${addresses.join(", ")}.`,
    facts: { addresses },
  };
}
