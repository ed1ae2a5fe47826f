// Generates prisma/postgres/schema.prisma from prisma/schema.prisma, the one source of truth:
//   npm run db:postgres-schema
// A schema file fixes its provider, so PostgreSQL needs a file of its own; writing it by hand
// would let the two drift. `npm run db:migration` runs this too, and a test checks the output.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

export const SQLITE_SCHEMA = path.join("prisma", "schema.prisma");
export const POSTGRES_SCHEMA = path.join("prisma", "postgres", "schema.prisma");

const SQLITE_CLIENT_OUTPUT = '"../lib/generated/prisma"';
// Relative to prisma/postgres/; a client of its own, so the SQLite one is never overwritten.
const POSTGRES_CLIENT_OUTPUT = '"../../lib/generated/prisma-postgres"';

const HEADER = `// GENERATED from prisma/schema.prisma by \`npm run db:postgres-schema\`: do not edit.
// Change prisma/schema.prisma and run \`npm run db:migration -- <name>\`, which regenerates
// this file and writes the matching SQLite and PostgreSQL migrations together.
`;

/**
 * PostgreSQL native types where Prisma's default would differ from what the SQLite schema
 * means. DateTime: Prisma's default is `timestamp(3)` without a time zone, which reads back
 * in the server's zone; `timestamptz(3)` keeps the instant. Json (jsonb), Bytes (bytea),
 * String (text) and Int (integer) already map as wanted.
 */
const NATIVE_TYPES: Record<string, string> = { DateTime: "@db.Timestamptz(3)" };

/** The PostgreSQL schema for a SQLite schema's text. Throws on anything it does not expect. */
export function toPostgresSchema(sqlite: string): string {
  const body = replaceOnce(
    replaceOnce(dropLeadingComment(sqlite), /provider\s*=\s*"sqlite"/, 'provider = "postgresql"'),
    new RegExp(`output(\\s*)=(\\s*)${escape(SQLITE_CLIENT_OUTPUT)}`),
    `output$1=$2${POSTGRES_CLIENT_OUTPUT}`,
  );
  let inModel = false;
  const lines = body.split("\n").map((line) => {
    if (/^model\s+\w+\s*\{/.test(line)) inModel = true;
    else if (/^\}/.test(line)) inModel = false;
    return inModel ? withNativeType(line) : line;
  });
  return HEADER + "\n" + lines.join("\n");
}

function withNativeType(line: string): string {
  const field = /^(\s+\w+\s+)(\w+)(\??)(.*)$/.exec(line);
  if (!field) return line;
  const [, head = "", type = "", optional = "", rest = ""] = field;
  const native = NATIVE_TYPES[type];
  if (!native) return line;
  if (rest.includes("@db.")) {
    throw new Error(`already has a native type (SQLite has none): ${line.trim()}`);
  }
  const comment = rest.indexOf("//");
  const attributes = (comment === -1 ? rest : rest.slice(0, comment)).trimEnd();
  const trailing = comment === -1 ? "" : " " + rest.slice(comment);
  return `${head}${type}${optional}${attributes} ${native}${trailing}`;
}

/** Drops the source's opening comment: it speaks of SQLite, and the header replaces it. */
function dropLeadingComment(schema: string): string {
  const lines = schema.split("\n");
  let first = 0;
  while (first < lines.length && /^\s*(\/\/.*)?$/.test(lines[first] ?? "")) first++;
  return lines.slice(first).join("\n");
}

function replaceOnce(text: string, pattern: RegExp, replacement: string): string {
  const matches = text.match(new RegExp(pattern.source, "g")) ?? [];
  if (matches.length !== 1) {
    throw new Error(`expected ${pattern.source} once in ${SQLITE_SCHEMA}, found ${matches.length}`);
  }
  return text.replace(pattern, replacement);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Regenerates the PostgreSQL schema file; returns whether it changed. */
export function writePostgresSchema(): boolean {
  const next = toPostgresSchema(readFileSync(SQLITE_SCHEMA, "utf8"));
  let previous = "";
  try {
    previous = readFileSync(POSTGRES_SCHEMA, "utf8");
  } catch {
    // First generation: nothing to compare with.
  }
  if (previous === next) return false;
  writeFileSync(POSTGRES_SCHEMA, next);
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const changed = writePostgresSchema();
  console.log(changed ? `wrote ${POSTGRES_SCHEMA}` : `${POSTGRES_SCHEMA} is up to date`);
}
