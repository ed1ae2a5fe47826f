// The history's query string: valid values become the filter, anything else is named as not
// applied instead of failing the page, and links keep the filter but not the page.
import { describe, expect, it } from "vitest";
import { historyHref, parseHistoryQuery } from "../../../lib/http/history-query";

const ID = "c" + "a".repeat(24);

describe("parseHistoryQuery", () => {
  it("reads the search, the filters and the page", () => {
    const query = parseHistoryQuery({
      q: "  bob@example.org ",
      status: "failed",
      source: "api",
      from: "2026-11-30",
      to: "2026-12-01",
      cursor: ID,
    });
    expect(query.filter).toEqual({
      query: "bob@example.org",
      status: "failed",
      source: "api",
      since: new Date("2026-11-30T00:00:00.000Z"),
      until: new Date("2026-12-02T00:00:00.000Z"),
    });
    expect(query.cursor).toBe(ID);
    expect(query.ignored).toEqual([]);
    expect(historyHref(query.params, { status: "sent" })).toBe(
      "/history?q=bob%40example.org&status=sent&source=api&from=2026-11-30&to=2026-12-01",
    );
  });

  it("names what it did not apply: unknown values, repeated ones, impossible dates", () => {
    const query = parseHistoryQuery({
      q: "x".repeat(201),
      status: "lost",
      source: ["web", "api"],
      from: "2026-02-30",
      cursor: "../etc",
    });
    expect(query.filter).toEqual({});
    expect(query.cursor).toBeUndefined();
    expect(query.ignored).toEqual(["search", "status", "source", "from date", "page"]);
  });

  it("drops a to date before the from date, and treats empty fields as absent", () => {
    const query = parseHistoryQuery({ from: "2026-12-02", to: "2026-12-01", q: "", status: "" });
    expect(query.filter).toEqual({ since: new Date("2026-12-02T00:00:00.000Z") });
    expect(query.ignored).toEqual(["to date (before the from date)"]);
    expect(historyHref(query.params)).toBe("/history?from=2026-12-02");
  });

  it("takes a newer page instead of an older one when given both", () => {
    const query = parseHistoryQuery({ cursor: ID, newer: ID.replace("a", "b") });
    expect(query.cursor).toBeUndefined();
    expect(query.newerThan).toBe(ID.replace("a", "b"));
    expect(historyHref(query.params)).toBe("/history");
  });
});
