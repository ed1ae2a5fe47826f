// Writing HTTP responses: JSON, HTML pages and redirects, with the headers every one needs.
import type { ServerResponse } from "node:http";
import type { SafeHtml } from "../pages/html";

const NO_STORE = { "Cache-Control": "no-store", Pragma: "no-cache" };

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body, null, 2);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(payload),
    "X-Content-Type-Options": "nosniff",
    ...NO_STORE,
    ...headers,
  });
  res.end(payload);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status, NO_STORE);
  res.end();
}

/**
 * An HTML page with a strict Content-Security-Policy: no external assets, inline styles, and
 * only the page's own nonce-tagged script.
 */
export function sendHtml(
  res: ServerResponse,
  status: number,
  page: SafeHtml,
  nonce?: string,
): void {
  const payload = page.toString();
  const script = nonce ? `'nonce-${nonce}'` : "'none'";
  res.writeHead(status, {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": Buffer.byteLength(payload),
    "Content-Security-Policy": [
      "default-src 'none'",
      "style-src 'unsafe-inline'",
      `script-src ${script}`,
      "img-src 'self' data:",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join("; "),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    ...NO_STORE,
  });
  res.end(payload);
}

export function sendSvg(res: ServerResponse, svg: string): void {
  res.writeHead(200, {
    "Content-Type": "image/svg+xml",
    "Content-Length": Buffer.byteLength(svg),
    "Cache-Control": "public, max-age=3600",
    "X-Content-Type-Options": "nosniff",
  });
  res.end(svg);
}

export function redirect(res: ServerResponse, location: string, status = 302): void {
  res.writeHead(status, { Location: location, ...NO_STORE });
  res.end();
}
