// Runs before every request: turns a POST whose body Next's own decoder would throw on (a
// malformed server-action call or form) into a 4xx instead of a 500 (the HTTP API's posts are
// JSON its routes read themselves: only their size is checked here); gives each page a
// Content-Security-Policy with a fresh nonce (Next reads it from the request's header and puts it
// on its own scripts); and adds HSTS when the public URL is HTTPS. The headers that never change
// are in next.config.js.
import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/env";
import { MAX_API_BODY_BYTES, tooLargeRequest } from "@/lib/api/read-json-body";
import { checkPostRequest } from "@/lib/http/action-request";
import {
  createNonce,
  pageContentSecurityPolicy,
  strictTransportSecurity,
} from "@/lib/http/security-headers";

export async function proxy(request: NextRequest): Promise<NextResponse> {
  const isApi = request.nextUrl.pathname.startsWith("/api/v1/");
  if (isApi) {
    // The HTTP API reads its own JSON bodies (lib/api/read-json-body.ts); a declared size past
    // its limit is refused here, in its error shape, before the body is buffered.
    if (Number(request.headers.get("content-length") ?? 0) > MAX_API_BODY_BYTES) {
      const { message } = tooLargeRequest();
      return NextResponse.json(
        { error: { code: "too_large", message } },
        { status: 413, headers: { "Cache-Control": "no-store" } },
      );
    }
  } else if (request.method === "POST") {
    // A clone: Next reads the body again to run the action.
    const verdict = await checkPostRequest(request.clone());
    if (!verdict.ok) {
      return NextResponse.json({ error: verdict.reason }, { status: verdict.status });
    }
  }
  const config = env();
  const hsts = strictTransportSecurity(config.NEXTAUTH_URL);
  // API routes answer JSON (and next-auth's redirects): no page, so no nonce to give.
  if (request.nextUrl.pathname.startsWith("/api/")) {
    const response = NextResponse.next();
    if (hsts) response.headers.set("Strict-Transport-Security", hsts);
    return response;
  }

  const policy = pageContentSecurityPolicy({
    nonce: createNonce(),
    development: config.NODE_ENV === "development",
    issuer: config.GOOGLE_ISSUER,
    https: hsts !== undefined,
  });
  // Replaces whatever the client sent under this name: the renderer trusts this header's nonce.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  if (hsts) response.headers.set("Strict-Transport-Security", hsts);
  return response;
}

export const config = {
  // Static files carry no script; they keep next.config.js's headers. Uploads stream their body
  // into the database: seen here, Next would buffer all of it first (the route sets HSTS itself).
  matcher: ["/((?!_next/static|_next/image|favicon\\.ico|api/uploads$).*)"],
};
