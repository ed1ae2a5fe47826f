// A history row's words: the time it shows is named, and Gmail's reply is cut between words.
import { describe, expect, it } from "vitest";
import { replySummary, timeOf } from "../../app/(dashboard)/history/row-text";

const created = new Date("2026-12-01T10:00:00Z");

describe("timeOf", () => {
  it("shows when a message was sent, else when it is scheduled for, else when it was created", () => {
    const sentAt = new Date("2026-12-01T10:00:05Z");
    const scheduledAt = new Date("2026-12-02T09:00:00Z");
    expect(timeOf({ sentAt, scheduledAt, createdAt: created })).toEqual({
      label: "Sent",
      at: sentAt,
    });
    expect(timeOf({ sentAt: null, scheduledAt, createdAt: created })).toEqual({
      label: "Scheduled",
      at: scheduledAt,
    });
    expect(timeOf({ sentAt: null, scheduledAt: null, createdAt: created })).toEqual({
      label: "Created",
      at: created,
    });
  });
});

describe("replySummary", () => {
  it("drops the code, keeps a short reply whole and cuts a long one at a word boundary", () => {
    expect(replySummary("250 2.0.0 OK  1764583200 a1b2c3 - gsmtp")).toBe(
      "2.0.0 OK  1764583200 a1b2c3 - gsmtp",
    );
    const long =
      "550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking";
    expect(replySummary(long)).toBe("5.1.1 The email account that you tried to reach does not…");
  });
});
