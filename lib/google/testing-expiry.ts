// The countdown for an app in Testing: Google ends an account's grant 7 days after consent, so
// its access ends at a known time, and the dashboard warns in the last 48 hours.
import { TESTING_GRANT_LIFETIME_MS } from "./diagnose-invalid-grant";

/** The dashboard warns this long before a predicted expiry. */
export const EXPIRY_WARNING_MS = 48 * 3_600_000;

export interface TestingExpiry {
  expiresAt: Date;
  /** "soon": within 48 hours; "past": the grant has ended (or ends on its next use). */
  state: "later" | "soon" | "past";
}

export function testingExpiry(consentedAt: Date, now: Date): TestingExpiry {
  const expiresAt = new Date(consentedAt.getTime() + TESTING_GRANT_LIFETIME_MS);
  const left = expiresAt.getTime() - now.getTime();
  return { expiresAt, state: left <= 0 ? "past" : left <= EXPIRY_WARNING_MS ? "soon" : "later" };
}
