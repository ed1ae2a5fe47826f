// The proxy's check of a server-action call: what React's client sends passes; what would make
// Next's decoder throw (and answer 500) is refused with a 4xx first.
import { describe, expect, it } from "vitest";
import {
  checkActionRequest,
  checkPostRequest,
  MAX_POST_BYTES,
} from "../../../lib/http/action-request";

const ID = "40".repeat(21);

function call(body: string | FormData, headers: Record<string, string> = {}) {
  return new Request("http://localhost/history", {
    method: "POST",
    headers: {
      "Next-Action": ID,
      ...(typeof body === "string" ? { "Content-Type": "text/plain;charset=UTF-8" } : {}),
      ...headers,
    },
    body,
  });
}

function reactForm(root: string, fields: [string, string][] = []) {
  const body = new FormData();
  for (const [name, value] of fields) body.append(`_1_${name}`, value);
  body.append("0", root);
  return body;
}

describe("checkActionRequest", () => {
  it("passes what React's client sends", async () => {
    for (const request of [
      call(JSON.stringify(["c000000000000000000000000"])),
      call(JSON.stringify([{ errors: { to: "$$5 is not an address" } }, "$undefined"])),
      call(reactForm('[{},"$K1"]', [["to", "bob@example.org"]])),
      call(
        reactForm('[{"result":{"a":{"x":1},"b":"$0:0:result:a"}},"$K1"]', [["mode", "implicit"]]),
      ),
    ]) {
      expect(await checkActionRequest(request)).toEqual({ ok: true });
    }
  });

  it("refuses an action id Next would not have made", async () => {
    for (const id of ["0", "constructor", "C".repeat(42), `${ID}0`]) {
      expect(await checkActionRequest(call("[]", { "Next-Action": id }))).toMatchObject({
        ok: false,
        status: 400,
      });
    }
  });

  it("refuses bad JSON, arguments that are not a list and references to missing parts", async () => {
    for (const body of [
      "[",
      "",
      "{}",
      '"x"',
      '["$@1"]',
      '["$Q1"]',
      '["$K1"]',
      '["$0:nowhere"]',
      '["$1"]',
    ]) {
      expect(await checkActionRequest(call(body)), body).toMatchObject({ ok: false, status: 400 });
    }
  });

  it("refuses a form without its arguments part, with stray parts, or one that does not parse", async () => {
    const noRoot = new FormData();
    noRoot.append("_1_to", "x");
    const stray = reactForm('[{},"$K1"]');
    stray.append("$ACTION_ID_x", "");
    const broken = call("--x\r\nnot a part header\r\n--x--", {
      "Content-Type": "multipart/form-data; boundary=x",
    });
    for (const request of [call(noRoot), call(stray), broken]) {
      expect(await checkActionRequest(request)).toMatchObject({ ok: false, status: 400 });
    }
  });

  it("refuses content types React never sends", async () => {
    const request = call("[]", { "Content-Type": "application/json" });
    expect(await checkActionRequest(request)).toMatchObject({ ok: false, status: 415 });
  });

  it("refuses arguments nested deeper than any form's state", async () => {
    const deep = "[".repeat(100) + "]".repeat(100);
    expect(await checkActionRequest(call(deep))).toMatchObject({ ok: false, status: 400 });
  });
});

describe("checkPostRequest", () => {
  it("refuses a form Next's parser cannot read, with or without an action id", async () => {
    const named = new FormData();
    named.append("a\u0001b", "x");
    named.append("0", "[]");
    const long = new FormData();
    long.append(`_1_${"a".repeat(20_000)}`, "x");
    long.append("0", "[]");
    expect(
      await checkPostRequest(
        new Request("http://localhost/status", {
          method: "POST",
          headers: { "Next-Action": ID },
          body: long,
        }),
      ),
    ).toMatchObject({ ok: false, status: 400 });
    for (const headers of [{}, { "Next-Action": ID }] as Record<string, string>[]) {
      const request = new Request("http://localhost/compose", {
        method: "POST",
        headers,
        body: named,
      });
      expect(await checkPostRequest(request)).toMatchObject({ ok: false, status: 400 });
    }
    const garbage = new Request("http://localhost/compose", {
      method: "POST",
      headers: { "Content-Type": "multipart/form-data; boundary=x" },
      body: "garbage",
    });
    expect(await checkPostRequest(garbage)).toMatchObject({ ok: false, status: 400 });
  });

  it("lets other posts through untouched", async () => {
    const request = new Request("http://localhost/api/auth/signout", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "csrfToken=x",
    });
    expect(await checkPostRequest(request)).toEqual({ ok: true });
  });
});

describe("the body limit", () => {
  it("refuses a post larger than the server-action limit before reading it", async () => {
    const request = new Request("http://localhost/compose", {
      method: "POST",
      headers: { "Content-Length": String(MAX_POST_BYTES + 1), "Next-Action": ID },
    });
    expect(await checkPostRequest(request)).toMatchObject({ ok: false, status: 413 });
  });
});
