// Named statements for the engine's hot path: PostgreSQL parses and plans a named statement
// once per connection and reuses it, where an unnamed one is planned on every call (a claim's
// statements took longer to plan than to run). The pool keeps its connections, so each
// statement is prepared about DATABASE_POOL_SIZE times per process.
import type pg from "pg";

/** A statement to run with `values`; `name` must be unique to this text. */
export function prepared(name: string, text: string): (values: unknown[]) => pg.QueryConfig {
  return (values) => ({ name: `mailroom_${name}`, text, values });
}
