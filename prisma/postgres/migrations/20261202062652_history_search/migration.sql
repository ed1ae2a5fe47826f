-- DropIndex
DROP INDEX "Message_userId_status_idx";

-- CreateTable
CREATE TABLE "MessageSearchTerm" (
    "messageId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    -- Byte order, whatever the database's collation: a prefix is then a range on the index.
    "term" TEXT COLLATE "C" NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "MessageSearchTerm_pkey" PRIMARY KEY ("messageId","term")
);

-- CreateIndex
CREATE INDEX "MessageSearchTerm_userId_term_createdAt_messageId_idx" ON "MessageSearchTerm"("userId", "term", "createdAt", "messageId");

-- CreateIndex
CREATE INDEX "Message_userId_status_createdAt_idx" ON "Message"("userId", "status", "createdAt");

-- AddForeignKey
ALTER TABLE "MessageSearchTerm" ADD CONSTRAINT "MessageSearchTerm_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Search terms for the messages already stored, as lib/outbox/search-terms.ts makes them for new
-- ones (the semicolon, quote and backslash characters spelled with chr(): migrate deploy splits
-- the script at every semicolon, even in a string).
INSERT INTO "MessageSearchTerm" ("messageId", "userId", "term", "createdAt")
SELECT DISTINCT m."id", m."userId", t."term", m."createdAt"
FROM "Message" m,
  LATERAL (
    SELECT lower(btrim(r)) AS "term"
    FROM jsonb_array_elements_text(m."to" || m."cc" || m."bcc") r
    UNION
    SELECT btrim(w, '.,' || chr(59) || ':!?' || chr(34) || chr(39) || '()[]{}<>#*/' || chr(92) || '|-_=+&%$~^`')
    FROM regexp_split_to_table(lower(m."subject"), '[ \t\r\n]+') w
  ) t
WHERE t."term" <> ''
ON CONFLICT DO NOTHING;
