// `npm run bench` flags for the multi-process and many-account runs.
import { describe, expect, it } from "vitest";
import { parseBenchOptions, type BenchOptions } from "../../bench/bench-options";

function parse(...argv: string[]): BenchOptions {
  const options = parseBenchOptions(argv);
  if (options === "help") throw new Error("unexpected help");
  return options;
}

describe("parseBenchOptions", () => {
  it("runs today's bench by default: SQLite, the worker in the measured process, no idle wait", () => {
    expect(parse()).toMatchObject({
      db: "sqlite",
      workers: 1,
      waitForIdle: false,
      analyze: false,
      accounts: 4,
    });
  });

  it("takes --db postgres and --workers for the sending phases", () => {
    expect(parse("--db", "postgres", "--workers", "4")).toMatchObject({
      db: "postgres",
      workers: 4,
      history: false,
    });
    expect(() => parse("--workers", "0")).toThrow("--workers");
    expect(() => parse("--db", "mysql")).toThrow("--db");
  });

  it("ANALYZEs only PostgreSQL phases", () => {
    expect(parse("--db", "postgres", "--analyze").analyze).toBe(true);
    expect(() => parse("--analyze")).toThrow("--analyze");
    expect(() => parse("--history", "--db", "postgres", "--analyze")).toThrow("--analyze");
  });

  it("waits for idle connections when asked, and always with 1,000 accounts or more", () => {
    expect(parse("--wait-idle").waitForIdle).toBe(true);
    expect(parse("--accounts", "999", "--messages", "999").waitForIdle).toBe(false);
    expect(parse("--accounts", "1000", "--messages", "10000").waitForIdle).toBe(true);
  });

  it("takes messages in directly by default, or through --via api (at 200 requests/s) or relay", () => {
    expect(parse()).toMatchObject({ via: "direct", apiRate: 200 });
    expect(parse("--via", "api")).toMatchObject({ via: "api", apiRate: 200 });
    expect(parse("--via", "api", "--api-rate", "350")).toMatchObject({ apiRate: 350 });
    expect(parse("--via", "relay").via).toBe("relay");
    expect(() => parse("--via", "smtp")).toThrow("--via");
    expect(() => parse("--via", "api", "--api-rate", "0")).toThrow("--api-rate");
    expect(() => parse("--via", "relay", "--api-rate", "100")).toThrow("--api-rate applies");
    expect(() => parse("--api-rate", "100")).toThrow("--api-rate applies");
    expect(() => parse("--history", "--via", "api")).toThrow("--via");
  });

  it("measures the compose page's first-load JS only when asked with --compose-js", () => {
    expect(parse().composeJs).toBe(false);
    expect(parse("--compose-js")).toMatchObject({ composeJs: true, history: false });
  });
});
