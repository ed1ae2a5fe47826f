// Which database DATABASE_URL names: file: is SQLite (one machine), postgresql:// is PostgreSQL
// (any number of machines). Anything else is refused with one line naming the variable.

export type DatabaseKind = "sqlite" | "postgres";

export function databaseKind(url: string): DatabaseKind {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgres";
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  throw new Error(
    `DATABASE_URL: ${scheme ? `"${scheme}:" is not a database Mailroom supports` : "is not a database URL"}; use file:./data/mailroom.db (SQLite) or postgresql://user@host:5432/mailroom (PostgreSQL).`,
  );
}

/** host:port/database of a PostgreSQL URL, for messages (never the password). */
export function postgresTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || "localhost"}:${parsed.port || "5432"}${parsed.pathname}`;
  } catch {
    return "the PostgreSQL server in DATABASE_URL";
  }
}
