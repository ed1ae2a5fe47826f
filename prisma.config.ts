// Prisma CLI configuration: the WASM schema engine through the better-sqlite3 driver adapter,
// so generate / migrate deploy work offline with no native engine download.
import "dotenv/config";
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

const DEFAULT_DATABASE_URL = "file:./data/mailroom.db";
process.env.DATABASE_URL ??= DEFAULT_DATABASE_URL;

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  adapter: () =>
    Promise.resolve(
      new PrismaBetterSQLite3({ url: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL }),
    ),
});
