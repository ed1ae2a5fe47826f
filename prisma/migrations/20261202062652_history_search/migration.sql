-- DropIndex
DROP INDEX "Message_userId_status_idx";

-- CreateTable
CREATE TABLE "MessageSearchTerm" (
    "messageId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "term" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,

    PRIMARY KEY ("messageId", "term"),
    CONSTRAINT "MessageSearchTerm_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "MessageSearchTerm_userId_term_createdAt_messageId_idx" ON "MessageSearchTerm"("userId", "term", "createdAt", "messageId");

-- CreateIndex
CREATE INDEX "Message_userId_status_createdAt_idx" ON "Message"("userId", "status", "createdAt");

-- Search terms for the messages already stored, as lib/outbox/search-terms.ts makes them for new
-- ones (SQLite's lower() folds ASCII letters only, so an older subject's other capitals stay
-- and the semicolon is spelled char(59): a migration's script is split at every semicolon).
INSERT OR IGNORE INTO "MessageSearchTerm" ("messageId", "userId", "term", "createdAt")
SELECT m."id", m."userId", lower(trim(r."value")), m."createdAt"
FROM "Message" m, json_each(m."to") r WHERE trim(r."value") <> ''
UNION ALL
SELECT m."id", m."userId", lower(trim(r."value")), m."createdAt"
FROM "Message" m, json_each(m."cc") r WHERE trim(r."value") <> ''
UNION ALL
SELECT m."id", m."userId", lower(trim(r."value")), m."createdAt"
FROM "Message" m, json_each(m."bcc") r WHERE trim(r."value") <> '';

INSERT OR IGNORE INTO "MessageSearchTerm" ("messageId", "userId", "term", "createdAt")
WITH RECURSIVE "split" ("id", "userId", "createdAt", "word", "rest") AS (
  SELECT "id", "userId", "createdAt", '',
         lower(replace(replace(replace("subject", char(9), ' '), char(10), ' '), char(13), ' ')) || ' '
  FROM "Message"
  UNION ALL
  SELECT "id", "userId", "createdAt", substr("rest", 1, instr("rest", ' ') - 1),
         substr("rest", instr("rest", ' ') + 1)
  FROM "split" WHERE "rest" <> ''
)
SELECT "id", "userId", trim("word", '.,' || char(59) || ':!?"''()[]{}<>#*/\|-_=+&%$~^`'), "createdAt" FROM "split"
WHERE trim("word", '.,' || char(59) || ':!?"''()[]{}<>#*/\|-_=+&%$~^`') <> '';
