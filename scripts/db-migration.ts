// Creates a migration from the schema's change since the last commit:
//   npm run db:migration -- <name>
// `prisma migrate dev` needs a shadow database the WASM engine cannot provide, so this
// diffs the committed schema against the working one instead.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration -- <name>   (lowercase letters, digits, _)");
  process.exit(2);
}

const migrationsDir = path.join("prisma", "migrations");
const isFirst = !readdirSync(migrationsDir, { withFileTypes: true }).some((e) => e.isDirectory());
const from: string[] = isFirst ? ["--from-empty"] : ["--from-schema-datamodel", committedSchema()];

const out = execFileSync(
  "npx",
  [
    "prisma",
    "migrate",
    "diff",
    ...from,
    "--to-schema-datamodel",
    "prisma/schema.prisma",
    "--script",
  ],
  { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } },
);
const sql = out
  .split("\n")
  .filter((line) => !line.startsWith("Loaded Prisma config"))
  .join("\n")
  .trim();
if (!/\b(CREATE|ALTER|DROP)\b/.test(sql)) {
  console.error("The schema has no change to migrate (or the diff failed):\n" + sql);
  process.exit(1);
}

const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join(migrationsDir, `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "migration.sql"), sql + "\n");
console.log(`wrote ${dir}/migration.sql`);

function committedSchema(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "mailroom-schema-")), "schema.prisma");
  writeFileSync(
    file,
    execFileSync("git", ["show", "HEAD:prisma/schema.prisma"], { encoding: "utf8" }),
  );
  return file;
}
