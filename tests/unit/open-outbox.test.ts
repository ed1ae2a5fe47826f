import { describe, expect, it } from "vitest";
import { openOutbox } from "../../lib/outbox/open-outbox";
import { SqliteOutbox } from "../../lib/outbox/sqlite/sqlite-outbox";

describe("choosing the outbox's engine", () => {
  it("refuses a database it has no engine for, naming DATABASE_URL and the scheme", () => {
    expect(() => openOutbox("postgresql://localhost/mailroom")).toThrow(
      /^DATABASE_URL: the outbox does not support "postgresql:" databases yet/,
    );
  });

  it("opens the SQLite engine for a file: URL without touching the file until first use", async () => {
    const outbox = openOutbox("file:/nonexistent/dir/never-opened.db");
    expect(outbox).toBeInstanceOf(SqliteOutbox);
    await outbox.close();
  });
});
