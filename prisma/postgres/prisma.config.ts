// Prisma CLI configuration for PostgreSQL: the WASM schema engine through @prisma/adapter-pg,
// so `migrate deploy` runs offline. Paths are relative to this file.
//   DATABASE_URL=postgresql://… npx prisma migrate deploy --config prisma/postgres/prisma.config.ts
import "dotenv/config";
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

// Generating the client needs no database, but the CLI still wants a PostgreSQL URL to parse.
if (
  process.argv.includes("generate") &&
  !/^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? "")
) {
  process.env.DATABASE_URL = "postgresql://localhost:5432/unused";
}
const url = process.env.DATABASE_URL ?? "";
// Without a usable URL the CLI does not say so: it falls back to the native engine and fails
// on a download. Refuse here, with the reason.
if (!/^postgres(ql)?:\/\//.test(url)) {
  throw new Error(
    "prisma/postgres/prisma.config.ts needs DATABASE_URL=postgresql://user@host:5432/database",
  );
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "schema.prisma",
  migrations: { path: "migrations" },
  // migrate deploy holds a session-level advisory lock, so that processes starting together apply
  // each migration once; it is let go only when its connection closes. One connection, closed as
  // soon as the CLI is done, keeps the others from waiting on an idle pool (10 s) and timing out.
  adapter: () =>
    Promise.resolve(new PrismaPg({ connectionString: url, max: 1, allowExitOnIdle: true })),
});
