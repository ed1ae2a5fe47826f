// What a web page in the user's browser cannot make the emulator do: a DNS-rebound page is refused
// by its Host header, a cross-site form or fetch by its body type and Sec-Fetch-Site / Origin.
import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { startTestEmulator } from "./support";

let emu: Emulator;
let port: number;

beforeAll(async () => {
  emu = await startTestEmulator({ allowedHosts: ["emulator.internal"] });
  port = Number(new URL(emu.issuer).port);
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(() => {
  emu.control.reset();
});

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request with exactly these headers (fetch would not let a test set Host). */
function request(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
      );
    });
    req.on("error", reject);
    req.end(body);
  });
}

function json(response: RawResponse): unknown {
  return JSON.parse(response.body) as unknown;
}

/** A setting a refused request would change. */
function seedQuota(): void {
  emu.control.setQuota("ada@example.com", 7);
}

describe("the Host header", () => {
  it.each(["localhost", "127.0.0.1", "127.0.0.2", "[::1]", "emulator.internal", "LOCALHOST"])(
    "answers a request addressed to %s",
    async (name) => {
      const response = await request("GET", "/control/stats", { Host: `${name}:${port}` });
      expect(response.status).toBe(200);
    },
  );

  it.each([
    ["/control/accounts"],
    ["/api/messages"],
    ["/inbox"],
    ["/o/oauth2/v2/auth?client_id=x"],
    ["/.well-known/openid-configuration"],
  ])("refuses GET %s for another name (DNS rebinding) with 421", async (path) => {
    const response = await request("GET", path, { Host: `rebind.evil.example:${port}` });
    expect(response.status).toBe(421);
    expect(json(response)).toEqual({
      error: {
        code: "misdirected_request",
        message: expect.stringContaining(
          "answers only to localhost, 127.0.0.0/8, [::1], emulator.internal; the request's Host header was \"rebind.evil.example:",
        ) as unknown,
      },
    });
  });

  it.each([
    ["a name that only starts like localhost", "localhost.evil.example"],
    ["userinfo smuggling", "evil.example@localhost"],
    ["a loopback-looking name", "127.0.0.1.evil.example"],
    ["the wildcard address", "0.0.0.0"],
    ["an empty name", ""],
  ])("refuses %s", async (_, name) => {
    const response = await request("GET", "/control/stats", { Host: `${name}:${port}` });
    expect(response.status).toBe(421);
  });

  it("refuses a request with no Host header", async () => {
    // Node itself answers 400 to HTTP/1.1 without Host; HTTP/1.0 reaches the emulator.
    const socket = net.connect(port, "127.0.0.1");
    socket.end("GET /control/stats HTTP/1.0\r\n\r\n");
    let reply = "";
    for await (const chunk of socket) reply += String(chunk);
    expect(reply).toMatch(/^HTTP\/1\.1 421 /);
    expect(reply).toContain("Host header was missing");
  });

  it("changes nothing when a rebound page posts a control operation", async () => {
    seedQuota();
    const response = await request(
      "PUT",
      "/control/accounts/ada@example.com",
      { Host: `rebind.evil.example:${port}`, "Content-Type": "application/json" },
      JSON.stringify({ dailyQuota: 0 }),
    );
    expect(response.status).toBe(421);
    const accounts = await request("GET", "/control/accounts", { Host: `localhost:${port}` });
    expect(json(accounts)).toMatchObject({
      accounts: [{ email: "ada@example.com", dailyQuota: 7 }],
    });
  });
});

describe("control bodies", () => {
  const host = () => ({ Host: `localhost:${port}` });

  it.each([
    ["a form post", "application/x-www-form-urlencoded", "dailyQuota=0"],
    ["a text/plain post (a form's enctype)", "text/plain", '{"dailyQuota":0}'],
    ["a multipart post", "multipart/form-data; boundary=x", "--x--"],
  ])("refuses %s with 415 and changes nothing", async (_, type, body) => {
    seedQuota();
    const response = await request(
      "PUT",
      "/control/accounts/ada@example.com",
      { ...host(), "Content-Type": type },
      body,
    );
    expect(response.status).toBe(415);
    expect(json(response)).toEqual({
      error: {
        code: "unsupported_media_type",
        message: expect.stringContaining("accepts only JSON bodies") as unknown,
      },
    });
    const accounts = await request("GET", "/control/accounts", host());
    expect(json(accounts)).toMatchObject({ accounts: [{ dailyQuota: 7 }] });
  });

  it("refuses a body without a Content-Type", async () => {
    const response = await request(
      "POST",
      "/control/issue-tokens",
      { ...host(), "Content-Length": "29" },
      '{"email":"ada@example.com"}  ',
    );
    expect(response.status).toBe(415);
  });

  it("refuses an empty form post to reset, which a cross-site <form> sends", async () => {
    const response = await request("POST", "/control/reset", {
      ...host(),
      "Content-Type": "application/x-www-form-urlencoded",
      "Content-Length": "0",
    });
    expect(response.status).toBe(415);
  });

  it("accepts JSON with the emulator's Host, and a bodiless POST", async () => {
    const put = await request(
      "PUT",
      "/control/accounts/ada@example.com",
      { ...host(), "Content-Type": "application/json; charset=utf-8" },
      JSON.stringify({ dailyQuota: 3 }),
    );
    expect(put.status).toBe(200);
    expect(json(put)).toMatchObject({ account: { email: "ada@example.com", dailyQuota: 3 } });
    expect((await request("POST", "/control/reset", host())).status).toBe(200);
  });
});

describe("cross-site browser requests", () => {
  const host = () => ({ Host: `127.0.0.1:${port}` });

  it.each([
    ["Sec-Fetch-Site: cross-site", { "Sec-Fetch-Site": "cross-site" }],
    ["Sec-Fetch-Site: same-site (another localhost port)", { "Sec-Fetch-Site": "same-site" }],
    ["a foreign Origin", { Origin: "https://evil.example" }],
  ])("refuses %s on control, inbox and consent operations with 403", async (_, headers) => {
    for (const [method, path] of [
      ["POST", "/control/reset"],
      ["POST", "/inbox/clear"],
      ["DELETE", "/api/messages"],
      ["POST", "/o/oauth2/v2/consent"],
    ] as const) {
      const response = await request(method, path, { ...host(), ...headers });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(json(response)).toMatchObject({ error: { code: "cross_site_request" } });
    }
  });

  it("accepts the inbox's own Clear button (same-origin, Origin: null under no-referrer)", async () => {
    const response = await request("POST", "/inbox/clear", {
      ...host(),
      "Sec-Fetch-Site": "same-origin",
      Origin: "null",
      "Content-Type": "application/x-www-form-urlencoded",
      "Content-Length": "0",
    });
    expect(response.status).toBe(303);
  });

  it("lets the app's server call the token endpoint with Host localhost", async () => {
    const response = await request(
      "POST",
      "/token",
      { Host: `localhost:${port}`, "Content-Type": "application/x-www-form-urlencoded" },
      "grant_type=refresh_token&refresh_token=1%2F%2F0nope&client_id=mailroom-demo.apps.googleusercontent.com&client_secret=mailroom-demo-secret",
    );
    expect(response.status).toBe(400);
    expect(json(response)).toEqual({
      error: "invalid_grant",
      error_description: "Token has been expired or revoked.",
    });
  });
});
