// The PostgreSQL schema generator: what it changes in the SQLite schema, and what it refuses.
import { describe, expect, it } from "vitest";
import { toPostgresSchema } from "../../scripts/postgres-schema";

const SQLITE = `// About the data model.

generator client {
  provider   = "prisma-client"
  engineType = "client"
  output     = "../lib/generated/prisma"
}

datasource db {
  provider = "sqlite"
  url      = env("DATABASE_URL")
}

model Thing {
  id        String    @id
  // why it is kept
  seenAt    DateTime? // trailing note
  createdAt DateTime  @default(now())
  payload   Json
  mime      Bytes
}
`;

describe("toPostgresSchema", () => {
  const pg = toPostgresSchema(SQLITE);

  it("says it is generated and how to regenerate it, instead of the source's opening comment", () => {
    expect(pg.startsWith("// GENERATED from prisma/schema.prisma")).toBe(true);
    expect(pg).toContain("npm run db:migration -- <name>");
    expect(pg).not.toContain("About the data model");
  });

  it("switches the provider and writes the client to a directory of its own", () => {
    expect(pg).toMatch(/datasource db \{\n {2}provider = "postgresql"/);
    expect(pg).toContain('output     = "../../lib/generated/prisma-postgres"');
    expect(pg).not.toContain("sqlite");
  });

  it("stores every DateTime as timestamptz(3), keeping attributes and comments", () => {
    expect(pg).toContain("  seenAt    DateTime? @db.Timestamptz(3) // trailing note\n");
    expect(pg).toContain("  createdAt DateTime  @default(now()) @db.Timestamptz(3)\n");
    expect(pg).toContain("  // why it is kept\n");
    expect(pg).toContain("  payload   Json\n  mime      Bytes\n");
  });

  it("refuses a schema that is not the SQLite one it knows", () => {
    expect(() => toPostgresSchema(SQLITE.replace('"sqlite"', '"mysql"'))).toThrow(/sqlite/);
    expect(() => toPostgresSchema(SQLITE.replace("../lib/generated/prisma", "elsewhere"))).toThrow(
      /output/,
    );
  });
});
