// Setup check: the exact redirect URI to register with Google for this app's sign-in.
import type { SetupCheckResult } from "./types";
import { notChecked } from "./types";

const TITLE = "Google redirect URI";

/**
 * next-auth sends Google `<NEXTAUTH_URL's origin and path>/callback/google`, where a bare origin
 * stands for `<origin>/api/auth` (next-auth's own parse-url); this app serves it at /api/auth.
 */
export function googleRedirectUri(nextauthUrl: string): { uri: string; path: string } {
  const url = new URL(nextauthUrl);
  const path = (url.pathname === "/" ? "/api/auth" : url.pathname).replace(/\/$/, "");
  return { uri: `${url.origin}${path}/callback/google`, path };
}

export function checkRedirectUri(nextauthUrl: string | undefined): SetupCheckResult {
  if (!nextauthUrl) return notChecked("redirect-uri", TITLE, ["NEXTAUTH_URL"]);
  const { uri, path } = googleRedirectUri(nextauthUrl);
  const { origin, pathname } = new URL(nextauthUrl);
  if (pathname !== "/") {
    // next-auth takes a path as where its routes live; the app's own links take it as its address.
    const effect =
      path === "/api/auth"
        ? "sign-in works, but Mailroom's links and API examples would point under /api/auth"
        : `sign-in would come back to ${uri}, which Mailroom does not serve`;
    return {
      id: "redirect-uri",
      title: TITLE,
      status: "fail",
      summary: `NEXTAUTH_URL has a path (${pathname.replace(/\/$/, "")}): ${effect}.`,
      fix: `Set NEXTAUTH_URL to the app's origin only (${origin}), where Mailroom serves; Google's redirect URI is then ${origin}/api/auth/callback/google.`,
    };
  }
  return {
    id: "redirect-uri",
    title: TITLE,
    status: "ok",
    summary: uri,
    details: [
      "Register exactly this under Authorized redirect URIs of the OAuth client (Google Cloud Console → APIs & Services → Credentials).",
    ],
  };
}
