// Why a message waits, as the history says it: a message held for compose's Undo says so and
// until when; once its hold is over, or when it is scheduled, it says something else.
import { describe, expect, it } from "vitest";
import { waitingReason } from "../../lib/outbox/waiting-reason";

const now = new Date("2026-12-02T12:00:00Z");
const account = { reconnectReason: null, pauseReason: null, nextSendAt: null };
const inSeconds = (s: number) => new Date(now.getTime() + s * 1000);

describe("the waiting reason", () => {
  it("says a message is held for Undo, and until when", () => {
    const message = { status: "queued", scheduledAt: null, nextAttemptAt: inSeconds(5) };
    expect(waitingReason(message, account, now)).toEqual({
      text: "Held for Undo until",
      until: inSeconds(5),
    });
  });

  it("says nothing once the hold is over, and a scheduled message is scheduled", () => {
    const due = { status: "queued", scheduledAt: null, nextAttemptAt: inSeconds(-1) };
    expect(waitingReason(due, account, now)).toBeUndefined();
    const later = {
      status: "queued",
      scheduledAt: inSeconds(3600),
      nextAttemptAt: inSeconds(3600),
    };
    expect(waitingReason(later, account, now)?.text).toBe("Scheduled for");
  });
});
