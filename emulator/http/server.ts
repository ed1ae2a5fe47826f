// The node:http server around the router: dispatch, 404/405, and errors turned into responses.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { simpleErrorPage } from "../pages/error-page";
import { HttpError } from "./http-error";
import { requireOwnHost, type OwnHosts } from "./request-guards";
import { sendHtml, sendJson } from "./respond";
import type { Router } from "./router";

function wantsHtml(req: IncomingMessage): boolean {
  return (req.headers.accept ?? "").includes("text/html");
}

function fail(req: IncomingMessage, res: ServerResponse, error: HttpError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, error.status, error.body, error.headers);
}

async function dispatch(
  router: Router,
  hosts: OwnHosts,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  // Before anything else, so a DNS-rebound page can neither read nor change anything.
  requireOwnHost(req, hosts);
  const url = new URL(req.url ?? "/", "http://emulator.invalid");
  const method = req.method ?? "GET";
  const match = router.match(method === "HEAD" ? "GET" : method, url.pathname);
  if (match.kind === "found") {
    await match.handler({ req, res, url, params: match.params });
    return;
  }
  if (match.kind === "wrong-method") {
    res.setHeader("Allow", [...new Set(match.allowed)].join(", "));
    throw new HttpError(405, {
      error: { code: "method_not_allowed", message: `${method} is not allowed here.` },
    });
  }
  if (wantsHtml(req)) {
    sendHtml(res, 404, simpleErrorPage(404, "Page not found", `Nothing lives at ${url.pathname}.`));
    return;
  }
  throw new HttpError(404, {
    error: { code: "not_found", message: `No route for ${method} ${url.pathname}.` },
  });
}

const SECRET_PARAMS = [
  "access_token",
  "token",
  "code",
  "refresh_token",
  "client_secret",
  "id_token",
];

/** The request path for the log, with tokens and codes blanked: secrets never reach a log. */
export function loggablePath(rawUrl: string | undefined): string {
  const url = new URL(rawUrl ?? "/", "http://emulator.invalid");
  for (const name of SECRET_PARAMS)
    if (url.searchParams.has(name)) url.searchParams.set(name, "***");
  return url.pathname + url.search;
}

export function createHttpServer(
  router: Router,
  hosts: OwnHosts,
  log: (line: string) => void,
  now: () => number = Date.now,
): Server {
  return createServer((req, res) => {
    // Google's Date header tells its clock; so does the emulator's (a test can set it apart).
    res.setHeader("Date", new Date(now()).toUTCString());
    const path = loggablePath(req.url);
    res.on("finish", () => log(`http ${req.method ?? "?"} ${path} → ${res.statusCode}`));
    dispatch(router, hosts, req, res).catch((error: unknown) => {
      if (error instanceof HttpError) {
        fail(req, res, error);
        return;
      }
      log(
        `http ${req.method ?? "?"} ${req.url ?? ""} failed: ${error instanceof Error ? error.stack : String(error)}`,
      );
      fail(
        req,
        res,
        new HttpError(500, { error: { code: "internal", message: "Something went wrong." } }),
      );
    });
  });
}
