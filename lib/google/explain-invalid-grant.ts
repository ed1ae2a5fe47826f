// What the token doctor tells a person about a refresh token Google refused: the likely cause in
// a title, why Mailroom thinks so, and the fix.
import type { GrantHistory, InvalidGrantCause } from "./diagnose-invalid-grant";

export interface InvalidGrantExplanation {
  cause: InvalidGrantCause;
  title: string;
  explanation: string;
  fix: string;
}

export function explainInvalidGrant(
  cause: InvalidGrantCause,
  history: GrantHistory,
  refusedAt: Date,
): InvalidGrantExplanation {
  const { consentedAt, lastUsedAt } = history;
  const before = (date: Date) => duration(refusedAt.getTime() - date.getTime());
  switch (cause) {
    case "testing_expiry":
      return {
        cause,
        title: "Expired 7 days after consent: the OAuth app is in Testing",
        explanation:
          `Consent was given ${consentedAt ? `${before(consentedAt)} before Google refused the token` : "more than 7 days before"}` +
          ", and Google did not take the token after its seventh day. While an OAuth app's publishing " +
          "status is Testing (with External users), Google ends every grant 7 days after consent, " +
          "whatever the user does.",
        fix:
          "In Google Cloud Console, on the OAuth consent screen, publish the app (In production), or " +
          "make it Internal if every user is in your Google Workspace; then reconnect. While the app " +
          "stays in Testing, each reconnect lasts 7 days.",
      };
    case "unused": {
      const lastUse = lastUsedAt ?? consentedAt;
      return {
        cause,
        title: "Unused for six months",
        explanation:
          `Mailroom last used this refresh token ${lastUse ? `${before(lastUse)} before Google refused it` : "more than six months ago"}` +
          ". Google ends refresh tokens that go unused for six months.",
        fix: "Reconnect. Mailroom uses the token whenever the account sends, so an account that keeps sending keeps its access.",
      };
    }
    case "revoked":
      return {
        cause,
        title: "Revoked: by the account's owner, or by a password change",
        explanation:
          `The token was ${consentedAt ? before(consentedAt) : "some time"} old` +
          (lastUsedAt ? ` and last used ${before(lastUsedAt)} earlier` : "") +
          ", so neither the 7-day limit of an app in Testing nor the six-month limit explains it. " +
          "Google gives the same answer for every revocation and does not say which happened: access " +
          "removed in the Google Account's security settings (third-party connections), or a password " +
          "change, which revokes tokens with Gmail scopes (less often: a Google Workspace admin's policy, " +
          "or more than 100 newer tokens for this account and app).",
        fix: "Reconnect. If nobody removed Mailroom's access or changed the password on purpose, review the Google Account's recent security activity.",
      };
    case "unknown":
      return {
        cause,
        title: "Expired or revoked (cause unknown)",
        explanation:
          "Mailroom has no record of when consent was given for this token (it was stored before " +
          "Mailroom kept one), so it cannot tell which: revoked by the account's owner, a password " +
          "change, the 7-day limit of an OAuth app in Testing, or six months unused.",
        fix: "Reconnect. From then on Mailroom records consent and use, and names the likely cause if it happens again.",
      };
  }
}

/** "about 3 hours", "7 days", "7 months": how far apart two moments are, for reading. */
export function duration(ms: number): string {
  const hours = Math.max(0, ms) / 3_600_000;
  if (hours < 48) {
    const whole = Math.max(1, Math.round(hours));
    return `${whole} ${whole === 1 ? "hour" : "hours"}`;
  }
  const days = hours / 24;
  if (days < 60) return `${Math.round(days)} days`;
  return `${Math.round(days / 30.44)} months`;
}
