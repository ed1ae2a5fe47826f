// Sign-in failures in plain sentences, each with what to do.
export type SignInRefusal =
  "MissingMailScope" | "NoRefreshToken" | "EmailNotVerified" | "NotAllowed" | "AccountLinkRefused";

const MESSAGES: Record<string, string> = {
  NotAllowed:
    "This Google account is not allowed to use this Mailroom. Ask its administrator to add your address (ALLOWED_EMAILS) or your domain (ALLOWED_DOMAINS), or sign in with an account that is allowed.",
  EmailNotVerified:
    "Google has not verified this account's email address, so Mailroom cannot tell that it is yours. Verify it with Google, then sign in again.",
  AccountLinkRefused:
    "You signed in with a different Google account while already signed in. Mailroom links one Google account to each user and did not link this one. To use the other account, sign out first, then sign in with it.",
  OAuthAccountNotLinked:
    "This email address already belongs to a Mailroom user with a different Google account. Sign in with that Google account.",
  MissingMailScope:
    'Mailroom needs permission to send email as you. Sign in again and leave the Gmail box ("Read, compose, send…" or "Send email on your behalf") checked on Google\'s consent screen.',
  NoRefreshToken:
    "Google did not give Mailroom offline access, so it could not send while you are away. Sign in again; if it repeats, remove Mailroom at myaccount.google.com/permissions first.",
  OAuthCallback:
    "The sign-in with Google did not complete (you may have pressed Cancel). Sign in again and choose Continue to grant access.",
  Callback:
    "The sign-in with Google did not complete (you may have pressed Cancel). Sign in again and choose Continue to grant access.",
  AccessDenied: "Access was denied. Sign in again and allow Mailroom to send email for you.",
  OAuthSignin:
    "Mailroom could not reach Google to start the sign-in. Check your connection and the Google OAuth settings, then try again.",
  Configuration:
    "The Google sign-in is not configured correctly. Check GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and NEXTAUTH_URL (see README).",
};

export function signInErrorMessage(code: string | undefined): string | undefined {
  if (!code) return undefined;
  // Own keys only: "constructor" or "__proto__" in the URL must not reach Object's prototype.
  return (Object.hasOwn(MESSAGES, code) && MESSAGES[code]) || "Sign-in failed. Please try again.";
}
