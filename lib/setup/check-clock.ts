// Setup check: this machine's clock against Google's, read from the Date header of Google's
// answer to the discovery request (one-second resolution, so a second or two is noise).

import type { SetupCheckResult } from "./types";

export interface ClockReading {
  /** Google's clock (its Date header), ms since the epoch. */
  remoteMs: number;
  /** This machine's clock halfway through the request. */
  localMs: number;
  /** The URL whose answer carried the Date header. */
  source: string;
}

/** Amber beyond this: a clock kept by NTP stays well within it. */
export const CLOCK_WARN_SECONDS = 30;
/** Red beyond this: the leeway token checks commonly allow (5 minutes). */
export const CLOCK_FAIL_SECONDS = 300;

const TITLE = "Clock";
const FIX =
  "Keep this machine's clock in time with NTP (e.g. `timedatectl set-ntp true`, chrony or ntpd); in a container, fix the host's clock.";

export function checkClock(reading: ClockReading | undefined): SetupCheckResult {
  if (!reading) {
    return {
      id: "clock",
      title: TITLE,
      status: "fail",
      summary:
        "Not checked: Google's discovery answer (which carries its Date header) did not arrive.",
      fix: "Make the discovery check pass (the line above), then run the check again.",
    };
  }
  const skewSeconds = Math.round((reading.localMs - reading.remoteMs) / 1000);
  const size = Math.abs(skewSeconds);
  const direction = skewSeconds > 0 ? "ahead of" : "behind";
  const limits = `amber beyond ${CLOCK_WARN_SECONDS} s, red beyond ${CLOCK_FAIL_SECONDS / 60} minutes`;
  if (size <= CLOCK_WARN_SECONDS) {
    return {
      id: "clock",
      title: TITLE,
      status: "ok",
      summary: `Within ${Math.max(size, 1)} s of Google's clock (${limits}).`,
    };
  }
  return {
    id: "clock",
    title: TITLE,
    status: size > CLOCK_FAIL_SECONDS ? "fail" : "warn",
    summary: `This machine's clock is ${size} s ${direction} Google's (${limits}).`,
    details: [
      size > CLOCK_FAIL_SECONDS
        ? "Sign-in compares the times in Google's ID tokens (issued, expires) with this machine's clock, and TLS certificates are checked against it too."
        : "Still within the leeway token checks allow, but a clock this far off is not being kept in time.",
    ],
    fix: FIX,
  };
}
