// The refresh grant's transport: a connection dropped before any answer is asked once more;
// a token endpoint that keeps dropping is reported as unreachable.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { refreshAccessToken } from "../../lib/google/refresh-access-token";

let server: Server | undefined;
afterEach(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
);

/** A token endpoint that drops the first `drops` requests without answering. */
async function tokenEndpoint(drops: number): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  server = createServer((request, response) => {
    requests++;
    if (requests <= drops) {
      request.socket.destroy();
      return;
    }
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify({ access_token: "ya29.fresh", expires_in: 3599 }));
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/token`, requests: () => requests };
}

const grant = (tokenEndpointUrl: string) =>
  refreshAccessToken({
    tokenEndpoint: tokenEndpointUrl,
    clientId: "client",
    clientSecret: "secret",
    refreshToken: "1//refresh",
  });

describe("refreshAccessToken", () => {
  it("asks once more when the connection drops before an answer", async () => {
    const endpoint = await tokenEndpoint(1);
    await expect(grant(endpoint.url)).resolves.toMatchObject({ accessToken: "ya29.fresh" });
    expect(endpoint.requests()).toBe(2);
  });

  it("reports an endpoint that keeps dropping as unreachable, after two tries", async () => {
    const endpoint = await tokenEndpoint(Infinity);
    await expect(grant(endpoint.url)).rejects.toThrow(/^Token endpoint unreachable: /);
    expect(endpoint.requests()).toBe(2);
  });
});
