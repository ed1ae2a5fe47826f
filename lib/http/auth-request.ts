// Refuses what next-auth would answer with a 500 although the caller is at fault: a callback URL
// that is neither a path nor an http(s) URL (in the query or its cookie), or a JSON body that is
// not JSON. next-auth's own 500s are then left for real failures.
const CALLBACK_COOKIE = /(?:^|;\s*)(?:__Secure-)?next-auth\.callback-url=([^;]*)/;

export async function checkAuthRequest(request: Request): Promise<string | undefined> {
  const url = new URL(request.url);
  const cookie = CALLBACK_COOKIE.exec(request.headers.get("cookie") ?? "")?.[1];
  const callbacks = [
    ...url.searchParams.getAll("callbackUrl"),
    ...(cookie ? [decode(cookie)] : []),
  ];
  if (callbacks.some((c) => !isHttpUrl(c, url.origin))) return "Invalid callback URL.";
  const type = request.headers.get("content-type") ?? "";
  if (request.method === "POST" && type.includes("application/json")) {
    try {
      JSON.parse(await request.clone().text());
    } catch {
      return "The request body is not valid JSON.";
    }
  }
  return undefined;
}

// next-auth's own rule (core/lib/assert.js): a path on this site, or an absolute http(s) URL.
function isHttpUrl(value: string, base: string): boolean {
  try {
    return /^https?:/.test(new URL(value, value.startsWith("/") ? base : undefined).protocol);
  } catch {
    return false;
  }
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
