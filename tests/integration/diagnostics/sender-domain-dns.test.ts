// SPF, DKIM and DMARC checks against a local DNS server on port 0 (the emulator's), never the
// network: each check green and red, and a resolver that is down or silent read as
// "could not check" within the lookup's timeout.
import { generateKeyPairSync } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startDnsServer, type DnsServer } from "../../../emulator/dns/dns-server";
import { checkDkim } from "../../../lib/diagnostics/check-dkim";
import { checkDmarc } from "../../../lib/diagnostics/check-dmarc";
import { checkSpf } from "../../../lib/diagnostics/check-spf";
import { createTxtLookup, type TxtLookup } from "../../../lib/diagnostics/txt-lookup";

const DOMAIN = "shop.example";

function dkimKey(bits: number): string {
  const { publicKey } = generateKeyPairSync("rsa", { modulusLength: bits });
  const der = publicKey.export({ type: "spki", format: "der" });
  return `v=DKIM1; k=rsa; p=${der.toString("base64")}`;
}

let server: DnsServer;
let lookup: TxtLookup;

beforeAll(async () => {
  server = await startDnsServer();
});
afterAll(async () => {
  await server?.close();
});
beforeEach(() => {
  // A fresh cache per case: each case publishes its own records.
  lookup = createTxtLookup({ servers: [server.address], timeoutMs: 1_000 });
});

describe("SPF", () => {
  it("is green with one record that includes Google's servers and ends in ~all", async () => {
    server.setRecords({
      [DOMAIN]: { TXT: ["google-site-verification=abc", "v=spf1 include:_spf.google.com ~all"] },
    });
    const result = await checkSpf(DOMAIN, lookup);
    expect(result.level).toBe("pass");
    expect(result.summary).toContain("includes Google's servers directly");
    expect(result.found).toEqual(["v=spf1 include:_spf.google.com ~all"]);
    expect(result.notes.join(" ")).toContain("~all (softfail)");
    expect(result.fix).toBeUndefined();
  });

  it("is green when Google's include is reached through another include and a redirect", async () => {
    server.setRecords({
      [DOMAIN]: { TXT: ["v=spf1 include:spf.mailhost.example -all"] },
      "spf.mailhost.example": { TXT: ["v=spf1 redirect=_spf.corp.example"] },
      "_spf.corp.example": { TXT: ["v=spf1 ip4:192.0.2.0/24 include:_spf.google.com ~all"] },
    });
    const result = await checkSpf(DOMAIN, lookup);
    expect(result.level).toBe("pass");
    expect(result.summary).toContain(
      "through spf.mailhost.example → _spf.corp.example → _spf.google.com",
    );
    expect(result.notes.join(" ")).toContain("-all (fail)");
  });

  it("is red with no SPF record, and gives the record to add", async () => {
    server.setRecords({ [DOMAIN]: { TXT: ["some-other=verification"] } });
    const result = await checkSpf(DOMAIN, lookup);
    expect(result.level).toBe("fail");
    expect(result.summary).toContain("No SPF record");
    expect(result.fix?.record).toEqual({
      type: "TXT",
      name: DOMAIN,
      value: "v=spf1 include:_spf.google.com ~all",
    });
  });

  it("is red when the domain does not exist at all", async () => {
    server.setRecords({});
    const result = await checkSpf(DOMAIN, lookup);
    expect(result.level).toBe("fail");
    expect(result.summary).toContain("No SPF record");
  });

  it("is red when the record does not include Google, and shows it with Google added", async () => {
    server.setRecords({ [DOMAIN]: { TXT: ["v=spf1 include:spf.protection.outlook.com -all"] } });
    const result = await checkSpf(DOMAIN, lookup);
    expect(result.level).toBe("fail");
    expect(result.summary).toContain("does not include Google's servers");
    expect(result.fix?.record?.value).toBe(
      "v=spf1 include:_spf.google.com include:spf.protection.outlook.com -all",
    );
  });

  it("is red with two SPF records, and offers one merged record", async () => {
    server.setRecords({
      [DOMAIN]: { TXT: ["v=spf1 include:_spf.google.com ~all", "v=spf1 ip4:203.0.113.5 -all"] },
    });
    const result = await checkSpf(DOMAIN, lookup);
    expect(result.level).toBe("fail");
    expect(result.summary).toContain("2 SPF records");
    expect(result.summary).toContain("permerror");
    expect(result.fix?.record?.value).toBe("v=spf1 include:_spf.google.com ip4:203.0.113.5 -all");
  });

  it("is red for +all, which lets anyone send as the domain", async () => {
    server.setRecords({ [DOMAIN]: { TXT: ["v=spf1 include:_spf.google.com +all"] } });
    const result = await checkSpf(DOMAIN, lookup);
    expect(result.level).toBe("fail");
    expect(result.notes.join(" ")).toContain("anyone may send as it");
    expect(result.fix?.record?.value).toBe("v=spf1 include:_spf.google.com ~all");
  });

  it("is amber for ?all", async () => {
    server.setRecords({ [DOMAIN]: { TXT: ["v=spf1 include:_spf.google.com ?all"] } });
    const result = await checkSpf(DOMAIN, lookup);
    expect(result.level).toBe("warn");
    expect(result.notes.join(" ")).toContain("?all (neutral)");
  });
});

describe("DKIM", () => {
  it("is green with a 2048-bit key at google._domainkey", async () => {
    server.setRecords({ [`google._domainkey.${DOMAIN}`]: { TXT: [dkimKey(2048)] } });
    const result = await checkDkim(DOMAIN, "google", lookup);
    expect(result.level).toBe("pass");
    expect(result.summary).toBe(
      `A DKIM key is published at google._domainkey.${DOMAIN} (2048-bit RSA).`,
    );
  });

  it("is red when no key is published", async () => {
    server.setRecords({ [DOMAIN]: { TXT: ["v=spf1 include:_spf.google.com ~all"] } });
    const result = await checkDkim(DOMAIN, "google", lookup);
    expect(result.level).toBe("fail");
    expect(result.summary).toContain(`No DKIM key at google._domainkey.${DOMAIN}`);
    expect(result.fix?.text).toContain("Authenticate email");
  });

  it("is red when the key sits under another selector, and green with that selector configured", async () => {
    server.setRecords({ [`mail2024._domainkey.${DOMAIN}`]: { TXT: [dkimKey(2048)] } });
    const byDefault = await checkDkim(DOMAIN, "google", lookup);
    expect(byDefault.level).toBe("fail");
    expect(byDefault.notes.join(" ")).toContain("set DKIM_SELECTOR");
    const configured = await checkDkim(DOMAIN, "mail2024", lookup);
    expect(configured.level).toBe("pass");
  });

  it("is red for a revoked key (empty p=)", async () => {
    server.setRecords({ [`google._domainkey.${DOMAIN}`]: { TXT: ["v=DKIM1; k=rsa; p="] } });
    const result = await checkDkim(DOMAIN, "google", lookup);
    expect(result.level).toBe("fail");
    expect(result.summary).toContain("revoked");
  });

  it("is amber for a 1024-bit key", async () => {
    server.setRecords({ [`google._domainkey.${DOMAIN}`]: { TXT: [dkimKey(1024)] } });
    const result = await checkDkim(DOMAIN, "google", lookup);
    expect(result.level).toBe("warn");
    expect(result.summary).toContain("1024-bit");
  });
});

describe("DMARC", () => {
  it("is red when _dmarc is missing, with a starter record", async () => {
    server.setRecords({ [DOMAIN]: { TXT: ["v=spf1 include:_spf.google.com ~all"] } });
    const result = await checkDmarc(DOMAIN, lookup);
    expect(result.level).toBe("fail");
    expect(result.summary).toContain(`No DMARC record at _dmarc.${DOMAIN}`);
    expect(result.fix?.record).toEqual({
      type: "TXT",
      name: `_dmarc.${DOMAIN}`,
      value: `v=DMARC1; p=none; rua=mailto:dmarc-reports@${DOMAIN}`,
    });
  });

  it("is amber for p=none, explains it, and shows the record with quarantine", async () => {
    server.setRecords({
      [`_dmarc.${DOMAIN}`]: { TXT: [`v=DMARC1; p=none; rua=mailto:reports@${DOMAIN}`] },
    });
    const result = await checkDmarc(DOMAIN, lookup);
    expect(result.level).toBe("warn");
    expect(result.summary).toBe("DMARC policy: none.");
    expect(result.notes[0]).toContain("receivers only report");
    expect(result.fix?.record?.value).toBe(`v=DMARC1; p=quarantine; rua=mailto:reports@${DOMAIN}`);
  });

  it("is green for p=reject, with alignment notes", async () => {
    server.setRecords({ [`_dmarc.${DOMAIN}`]: { TXT: ["v=DMARC1; p=reject; adkim=s; aspf=s"] } });
    const result = await checkDmarc(DOMAIN, lookup);
    expect(result.level).toBe("pass");
    expect(result.summary).toBe("DMARC policy: reject.");
    expect(result.notes.join(" ")).toContain("strict");
    expect(result.notes.join(" ")).toContain("No rua= address");
    expect(result.fix).toBeUndefined();
  });

  it("is red with two DMARC records", async () => {
    server.setRecords({
      [`_dmarc.${DOMAIN}`]: { TXT: ["v=DMARC1; p=reject", "v=DMARC1; p=none"] },
    });
    const result = await checkDmarc(DOMAIN, lookup);
    expect(result.level).toBe("fail");
    expect(result.summary).toContain("2 DMARC records");
  });
});

describe("a resolver that fails", () => {
  it("reads a resolver that is down as could not check, for every check", async () => {
    const closed = await startDnsServer();
    const address = closed.address;
    await closed.close();
    const down = createTxtLookup({ servers: [address], timeoutMs: 500 });
    const started = Date.now();
    const results = await Promise.all([
      checkSpf(DOMAIN, down),
      checkDkim(DOMAIN, "google", down),
      checkDmarc(DOMAIN, down),
    ]);
    for (const result of results) {
      expect(result.level).toBe("warn");
      expect(result.summary).toMatch(/^Could not check: looking up .+ failed/);
    }
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("reads a resolver that never answers as could not check, within the timeout", async () => {
    const silent: Socket = createSocket("udp4");
    await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", resolve));
    try {
      const quiet = createTxtLookup({
        servers: [`127.0.0.1:${silent.address().port}`],
        timeoutMs: 300,
      });
      const started = Date.now();
      const result = await checkDmarc(DOMAIN, quiet);
      expect(result.level).toBe("warn");
      expect(result.summary).toContain("Could not check");
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      silent.close();
    }
  });

  it("is amber, not red, when an include cannot be looked up", async () => {
    server.setRecords({ [DOMAIN]: { TXT: ["v=spf1 include:spf.elsewhere.example ~all"] } });
    const flaky: TxtLookup = Object.assign(
      async (name: string) =>
        name === "spf.elsewhere.example"
          ? { kind: "error" as const, message: "the DNS server did not answer in time" }
          : lookup(name),
      { forget: () => {} },
    );
    const result = await checkSpf(DOMAIN, flaky);
    expect(result.level).toBe("warn");
    expect(result.summary).toContain("spf.elsewhere.example");
  });
});

describe("the lookup's cache", () => {
  it("reuses an answer until the domain is forgotten, then asks again", async () => {
    server.setRecords({ [`_dmarc.${DOMAIN}`]: { TXT: ["v=DMARC1; p=none"] } });
    expect((await checkDmarc(DOMAIN, lookup)).summary).toBe("DMARC policy: none.");
    server.setRecords({ [`_dmarc.${DOMAIN}`]: { TXT: ["v=DMARC1; p=reject"] } });
    expect((await checkDmarc(DOMAIN, lookup)).summary).toBe("DMARC policy: none.");
    lookup.forget(DOMAIN);
    expect((await checkDmarc(DOMAIN, lookup)).summary).toBe("DMARC policy: reject.");
  });
});
