// Reads the tables and columns a Prisma schema file declares, and those a database holds, in
// one shape — { table: { column: "type null|not null" } } — so a test can compare the two.
import type Database from "better-sqlite3";
import type { Client } from "pg";

export type Columns = Record<string, Record<string, string>>;
type Dialect = "sqlite" | "postgresql";

// What each Prisma scalar becomes without a native type attribute, as the database reports it.
const DEFAULT_TYPES: Record<Dialect, Record<string, string>> = {
  sqlite: {
    String: "TEXT",
    Int: "INTEGER",
    BigInt: "BIGINT",
    Float: "REAL",
    Decimal: "DECIMAL",
    Boolean: "BOOLEAN",
    DateTime: "DATETIME",
    Json: "JSONB",
    Bytes: "BLOB",
  },
  postgresql: {
    String: "text",
    Int: "integer",
    BigInt: "bigint",
    Float: "double precision",
    Decimal: "numeric",
    Boolean: "boolean",
    DateTime: "timestamp without time zone",
    Json: "jsonb",
    Bytes: "bytea",
  },
};
const POSTGRES_NATIVE_TYPES: Record<string, string> = {
  Timestamptz: "timestamp with time zone",
};

/** The columns the schema's models declare (relation and list fields have none). */
export function schemaColumns(schema: string, dialect: Dialect): Columns {
  const text = schema.replace(/\/\/.*$/gm, "");
  const models = [...text.matchAll(/^model\s+(\w+)\s*\{([^}]*)\}/gm)];
  const enums = new Set([...text.matchAll(/^enum\s+(\w+)\s*\{/gm)].map((m) => m[1]));
  const columns: Columns = {};
  for (const [, model = "", body = ""] of models) {
    const table = /@@map\("([^"]+)"\)/.exec(body)?.[1] ?? model;
    columns[table] = {};
    for (const line of body.split("\n")) {
      const field = /^\s*(\w+)\s+(\w+)(\[\]|\?)?(.*)$/.exec(line);
      if (!field) continue;
      const [, name = "", type = "", modifier, attributes = ""] = field;
      const columnType = enums.has(type)
        ? dialect === "postgresql"
          ? "USER-DEFINED"
          : "TEXT"
        : (nativeType(attributes, dialect) ?? DEFAULT_TYPES[dialect][type]);
      if (columnType === undefined) continue; // a relation field: its model is not a column
      if (modifier === "[]") throw new Error(`scalar lists are not handled here: ${line.trim()}`);
      const column = /@map\("([^"]+)"\)/.exec(attributes)?.[1] ?? name;
      columns[table][column] = `${columnType} ${modifier === "?" ? "null" : "not null"}`;
    }
  }
  return columns;
}

function nativeType(attributes: string, dialect: Dialect): string | undefined {
  const native = /@db\.(\w+)/.exec(attributes)?.[1];
  if (native === undefined) return undefined;
  const type = dialect === "postgresql" ? POSTGRES_NATIVE_TYPES[native] : undefined;
  if (type === undefined) throw new Error(`add @db.${native} to schema-columns.ts`);
  return type;
}

/** The columns of a SQLite database's tables (Prisma's own bookkeeping left out). */
export function sqliteColumns(db: Database.Database): Columns {
  const tables = db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations'",
    )
    .pluck()
    .all() as string[];
  const columns: Columns = {};
  for (const table of tables) {
    const rows = db.prepare(`PRAGMA table_info("${table}")`).all() as {
      name: string;
      type: string;
      notnull: number;
    }[];
    columns[table] = Object.fromEntries(
      rows.map((r) => [r.name, `${r.type} ${r.notnull ? "not null" : "null"}`]),
    );
  }
  return columns;
}

/** The columns of a PostgreSQL database's public tables (Prisma's bookkeeping left out). */
export async function postgresColumns(client: Client): Promise<Columns> {
  const { rows } = await client.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    is_nullable: "YES" | "NO";
  }>(
    `SELECT table_name, column_name, data_type, is_nullable
       FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
  );
  const columns: Columns = {};
  for (const r of rows) {
    (columns[r.table_name] ??= {})[r.column_name] =
      `${r.data_type} ${r.is_nullable === "YES" ? "null" : "not null"}`;
  }
  return columns;
}
