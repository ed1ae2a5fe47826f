import { describe, expect, it } from "vitest";
import { openOutbox } from "../../lib/outbox/open-outbox";
import { PostgresOutbox } from "../../lib/outbox/postgres/postgres-outbox";
import { SqliteOutbox } from "../../lib/outbox/sqlite/sqlite-outbox";

describe("choosing the outbox's engine", () => {
  it("refuses a database it has no engine for, naming DATABASE_URL and the scheme", () => {
    expect(() => openOutbox("mysql://localhost/mailroom")).toThrow(
      /^DATABASE_URL: "mysql:" is not a database Mailroom supports; use file:.* \(SQLite\) or postgresql:.* \(PostgreSQL\)\.$/,
    );
    expect(() => openOutbox("mailroom.db")).toThrow(/^DATABASE_URL: is not a database URL/);
  });

  it("opens the SQLite engine for a file: URL without touching the file until first use", async () => {
    const outbox = openOutbox("file:/nonexistent/dir/never-opened.db");
    expect(outbox).toBeInstanceOf(SqliteOutbox);
    await outbox.close();
  });

  it("opens the PostgreSQL engine for postgresql:// and postgres:// without connecting", async () => {
    for (const url of [
      "postgresql://nobody@127.0.0.1:1/none",
      "postgres://nobody@127.0.0.1:1/none",
    ]) {
      const outbox = openOutbox(url);
      expect(outbox).toBeInstanceOf(PostgresOutbox);
      await outbox.close();
    }
  });
});
