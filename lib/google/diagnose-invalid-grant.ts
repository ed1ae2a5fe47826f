// The token doctor: the likely reason Google refused a refresh token with invalid_grant. Google
// answers "Token has been expired or revoked." for every cause, so the cause is inferred from when
// consent was given and when the token was last used (GMAIL.md, "Why a refresh token stops working").

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Google ends the grants of an OAuth app in Testing (External users) this long after consent. */
export const TESTING_GRANT_LIFETIME_MS = 7 * DAY_MS;
/** A refusal this much before the seventh day still counts as it (clocks differ a little). */
const TESTING_EARLY_MS = HOUR_MS;
/**
 * A refusal within this long after the seventh day, of a token unused since, is the Testing
 * expiry even when nobody said the app is in Testing: Mailroom refreshes at least hourly while it
 * sends, so a token that died then was noticed soon after.
 */
const TESTING_WINDOW_MS = DAY_MS;

export const INVALID_GRANT_CAUSES = ["testing_expiry", "unused", "revoked", "unknown"] as const;
export type InvalidGrantCause = (typeof INVALID_GRANT_CAUSES)[number];

export interface GrantHistory {
  /** When the refused refresh token was granted; null when Mailroom has no record of it. */
  consentedAt: Date | null;
  /** When it last got an access token from Google; null when never since consent. */
  lastUsedAt: Date | null;
}

export interface Diagnosis {
  cause: InvalidGrantCause;
  /** The refusal came within a day of the seventh day after consent: evidence of a Testing app. */
  testingEvidence: boolean;
}

/**
 * `testingApp`: the app is known to be in Testing (configured, or inferred before), so a token
 * unused since its seventh day died then, however long ago that was.
 */
export function diagnoseInvalidGrant(
  history: GrantHistory,
  refusedAt: Date,
  testingApp: boolean,
): Diagnosis {
  const { consentedAt, lastUsedAt } = history;
  const refused = refusedAt.getTime();
  const lastUse = latest(consentedAt, lastUsedAt);
  const unused = lastUse !== null && sixMonthsAfter(lastUse).getTime() <= refused;
  if (!consentedAt) return { cause: unused ? "unused" : "unknown", testingEvidence: false };

  const testingDeath = consentedAt.getTime() + TESTING_GRANT_LIFETIME_MS;
  // Google took the token after its seventh day: whatever ended it, the Testing limit did not.
  const outlivedTesting = lastUsedAt !== null && lastUsedAt.getTime() >= testingDeath;
  const pastSeventhDay = refused >= testingDeath - TESTING_EARLY_MS;
  if (!outlivedTesting && pastSeventhDay) {
    if (refused <= testingDeath + TESTING_WINDOW_MS) {
      return { cause: "testing_expiry", testingEvidence: true };
    }
    if (testingApp) return { cause: "testing_expiry", testingEvidence: false };
  }
  return { cause: unused ? "unused" : "revoked", testingEvidence: false };
}

/** Whether a token used at `usedAt` has outlived the grant lifetime of an app in Testing. */
export function outlivesTesting(consentedAt: Date | null, usedAt: Date): boolean {
  return (
    consentedAt !== null &&
    usedAt.getTime() > consentedAt.getTime() + TESTING_GRANT_LIFETIME_MS + TESTING_EARLY_MS
  );
}

export function isInvalidGrantCause(value: string | null): value is InvalidGrantCause {
  return (INVALID_GRANT_CAUSES as readonly string[]).includes(value ?? "");
}

function latest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() >= b.getTime() ? a : b;
}

/** Google's "six months" as calendar months. */
function sixMonthsAfter(date: Date): Date {
  const later = new Date(date.getTime());
  later.setUTCMonth(later.getUTCMonth() + 6);
  return later;
}
