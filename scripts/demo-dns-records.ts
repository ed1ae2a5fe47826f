// What the demo's DNS server (the emulator's) answers for the demo domains, so the status page's
// sender domain checks show real results with no network: workspace.example is set up as Google
// asks; gmail.example still lacks its DKIM key and has a monitoring-only DMARC policy, to show
// what the checks say and the records they ask for.
import { generateKeyPairSync } from "node:crypto";
import type { DnsZone } from "../emulator";

export function demoDnsRecords(): DnsZone {
  const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const key = publicKey.export({ type: "spki", format: "der" }).toString("base64");
  return {
    "workspace.example": { TXT: ["v=spf1 include:_spf.google.com ~all"] },
    "google._domainkey.workspace.example": { TXT: [`v=DKIM1; k=rsa; p=${key}`] },
    "_dmarc.workspace.example": {
      TXT: ["v=DMARC1; p=quarantine; rua=mailto:dmarc-reports@workspace.example"],
    },
    "gmail.example": { TXT: ["v=spf1 include:_spf.google.com ~all"] },
    "_dmarc.gmail.example": { TXT: ["v=DMARC1; p=none"] },
  };
}
