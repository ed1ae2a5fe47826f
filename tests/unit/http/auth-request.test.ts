// Requests next-auth would answer with a 500 although the caller is at fault get a 400 instead.
import { describe, expect, it } from "vitest";
import { checkAuthRequest } from "../../../lib/http/auth-request";

const base = "http://localhost:3000/api/auth";

describe("checkAuthRequest", () => {
  it("passes next-auth's own requests", async () => {
    for (const request of [
      new Request(`${base}/signin/google?callbackUrl=%2Fcompose`, { method: "POST" }),
      new Request(`${base}/session`, { headers: { cookie: "next-auth.callback-url=%2Fcompose" } }),
      new Request(`${base}/signout`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"csrfToken":"x"}',
      }),
    ]) {
      expect(await checkAuthRequest(request)).toBeUndefined();
    }
  });

  it("refuses a callback URL that is neither a path nor http(s), and a body that is not JSON", async () => {
    for (const request of [
      new Request(`${base}/signin?callbackUrl=%C5%B5`),
      new Request(`${base}/signin?callbackUrl=javascript%3Aalert(1)`),
      new Request(`${base}/session`, { headers: { cookie: "next-auth.callback-url=1e%2B308" } }),
      new Request(`${base}/signout`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{",
      }),
    ]) {
      expect(await checkAuthRequest(request)).toBeTypeOf("string");
    }
  });
});
