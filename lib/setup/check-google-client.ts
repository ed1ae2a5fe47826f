// Setup check: the OAuth client id looks like one Google issued, and a client secret is set.
import type { SetupCheckResult } from "./types";

const TITLE = "Google OAuth client";
const CLIENT_ID_SUFFIX = ".apps.googleusercontent.com";

export function checkGoogleClient(
  clientId: string | undefined,
  clientSecret: string | undefined,
): SetupCheckResult {
  const fail = (summary: string, fix: string): SetupCheckResult => ({
    id: "google-client",
    title: TITLE,
    status: "fail",
    summary,
    fix,
  });
  const copyFix =
    "Copy the Client ID of a Web application OAuth client from Google Cloud Console (APIs & Services → Credentials) into GOOGLE_CLIENT_ID.";
  if (!clientId) return fail("GOOGLE_CLIENT_ID is not set.", copyFix);
  if (/[\s"'<>]/.test(clientId)) {
    return fail(
      "GOOGLE_CLIENT_ID contains spaces, quotes or angle brackets (a copy-and-paste slip?).",
      copyFix,
    );
  }
  if (!clientId.endsWith(CLIENT_ID_SUFFIX) || clientId.length === CLIENT_ID_SUFFIX.length) {
    return fail(
      `GOOGLE_CLIENT_ID does not end in ${CLIENT_ID_SUFFIX}, as every Google OAuth client id does${clientSecret?.endsWith(CLIENT_ID_SUFFIX) ? " (GOOGLE_CLIENT_SECRET does: are the two swapped?)" : ""}.`,
      copyFix,
    );
  }
  if (!clientSecret) {
    return fail(
      "GOOGLE_CLIENT_SECRET is not set.",
      "Copy the client secret of the same OAuth client into GOOGLE_CLIENT_SECRET.",
    );
  }
  return {
    id: "google-client",
    title: TITLE,
    status: "ok",
    summary: `Client id ${clientId}; a client secret is set.`,
  };
}
