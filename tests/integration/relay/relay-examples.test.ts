// The "Send from your app" page's examples, run as written: curl against the HTTP API's route,
// the nodemailer script with node and the smtplib script with python3, both through the relay
// with its certificate saved as the page says. Each message must reach Gmail.
import { execFile } from "node:child_process";
import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../../emulator";
import {
  curlExample,
  KEY_VARIABLE,
  nodemailerExample,
  pythonExample,
  type ExampleSettings,
} from "../../../app/(dashboard)/send-from-your-app/examples";
import { createApiKey } from "../../../lib/api-keys/create-api-key";
import { closeAllTransports } from "../../../lib/mail/transport-pool";
import type { RelayHandle } from "../../../lib/relay/start-relay";
import { drainOutbox } from "../../support/drain-outbox";
import { seedUser } from "../../support/seed-user";
import { configureTestEnvironment } from "../../support/test-app-env";
import { testCa } from "../../support/test-ca";

const run = promisify(execFile);
const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..", "..");

let emu: Emulator;
let relay: RelayHandle;
let api: Server;
let apiUrl: string;
let certPem: string;

beforeAll(async () => {
  emu = await startEmulator({ ca: testCa() });
  configureTestEnvironment(emu);
  const { relayCertificate } = await import("../../../lib/relay/relay-certificate");
  const certificate = await relayCertificate({
    hostname: "localhost",
    dir: mkdtempSync(path.join(tmpdir(), "mailroom-relay-tls-")),
  });
  certPem = certificate.certPem;
  const { startRelay } = await import("../../../lib/relay/start-relay");
  relay = await startRelay({ port: 0, certificate, log: () => undefined });

  // POST /api/v1/messages as Next would call it, for curl.
  const { POST } = await import("../../../app/api/v1/messages/route");
  api = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === "string") headers.set(name, value);
      }
      void POST(
        new Request(`${apiUrl}${request.url}`, {
          method: request.method,
          headers,
          body: Buffer.concat(chunks),
        }),
        { params: Promise.resolve({}) },
      ).then(async (answer) => {
        response.writeHead(answer.status, { "content-type": "application/json" });
        response.end(await answer.text());
      });
    });
  });
  await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
  const address = api.address();
  apiUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});

afterAll(async () => {
  await relay?.stop();
  await new Promise((resolve) => api?.close(resolve));
  closeAllTransports();
  await emu?.stop();
});

it("curl, nodemailer and smtplib, as the page shows them, each send a message", async () => {
  const { user, account } = await seedUser(emu, "examples@example.com");
  const key = await createApiKey(user.id, {
    name: "Examples",
    permission: "send",
    allowedFrom: [account.email],
  });
  const settings: ExampleSettings = {
    appUrl: apiUrl,
    from: account.email,
    relay: { host: "localhost", port: relay.port, trustFile: "mailroom-relay.pem" },
  };
  // A working directory as a user would have it: the scripts, the saved certificate, and
  // nodemailer installed.
  const dir = mkdtempSync(path.join(tmpdir(), "mailroom-examples-"));
  writeFileSync(path.join(dir, "mailroom-relay.pem"), certPem);
  writeFileSync(path.join(dir, "send.mjs"), nodemailerExample(settings));
  writeFileSync(path.join(dir, "send.py"), pythonExample(settings));
  symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"));
  const options = { cwd: dir, env: { ...process.env, [KEY_VARIABLE]: key.secret } };

  const curl = await run("sh", ["-c", curlExample(settings)], options);
  expect(JSON.parse(curl.stdout)).toMatchObject({ status: "queued" });
  const node = await run(process.execPath, ["send.mjs"], options);
  expect(node.stdout).toMatch(/^250 2\.6\.0 Message queued as c[0-9a-z]{24}\n$/);
  await run("python3", ["send.py"], options);

  expect(await drainOutbox()).toBe(3);
  const received = emu.control.messages({ email: account.email });
  expect(received.map((m) => m.subject)).toEqual([
    "Hello from my app",
    "Hello from my app",
    "Hello from my app",
  ]);
  const { listMessages } = await import("../../../lib/outbox/list-messages");
  const sources = (await listMessages(user.id)).messages.map((m) => m.source).sort();
  expect(sources).toEqual([`api:${key.id}`, `relay:${key.id}`, `relay:${key.id}`]);
}, 60_000);
