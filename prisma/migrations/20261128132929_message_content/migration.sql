-- CreateTable
CREATE TABLE "MessageContent" (
    "messageId" TEXT NOT NULL PRIMARY KEY,
    "textBody" TEXT NOT NULL,
    "mime" BLOB NOT NULL,
    CONSTRAINT "MessageContent_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- Move existing bodies out of Message before its columns go
INSERT INTO "MessageContent" ("messageId", "textBody", "mime")
SELECT "id", "textBody", "mime" FROM "Message";

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Message" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "source" TEXT NOT NULL DEFAULT 'web',
    "messageIdHeader" TEXT NOT NULL,
    "fromAddress" TEXT NOT NULL,
    "to" JSONB NOT NULL,
    "cc" JSONB NOT NULL,
    "bcc" JSONB NOT NULL,
    "subject" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "scheduledAt" DATETIME,
    "lockedUntil" DATETIME,
    "lockedBy" TEXT,
    "lastSmtpCode" INTEGER,
    "lastSmtpReply" TEXT,
    "lastError" TEXT,
    "sentAt" DATETIME,
    "idempotencyKey" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Message_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Message_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Message" ("accountId", "attempts", "bcc", "cc", "createdAt", "fromAddress", "id", "idempotencyKey", "lastError", "lastSmtpCode", "lastSmtpReply", "lockedBy", "lockedUntil", "messageIdHeader", "nextAttemptAt", "scheduledAt", "sentAt", "sizeBytes", "source", "status", "subject", "to", "updatedAt", "userId") SELECT "accountId", "attempts", "bcc", "cc", "createdAt", "fromAddress", "id", "idempotencyKey", "lastError", "lastSmtpCode", "lastSmtpReply", "lockedBy", "lockedUntil", "messageIdHeader", "nextAttemptAt", "scheduledAt", "sentAt", "sizeBytes", "source", "status", "subject", "to", "updatedAt", "userId" FROM "Message";
DROP TABLE "Message";
ALTER TABLE "new_Message" RENAME TO "Message";
CREATE UNIQUE INDEX "Message_messageIdHeader_key" ON "Message"("messageIdHeader");
CREATE INDEX "Message_status_nextAttemptAt_idx" ON "Message"("status", "nextAttemptAt");
CREATE INDEX "Message_userId_createdAt_idx" ON "Message"("userId", "createdAt");
CREATE INDEX "Message_accountId_status_idx" ON "Message"("accountId", "status");
CREATE INDEX "Message_accountId_sentAt_idx" ON "Message"("accountId", "sentAt");
CREATE UNIQUE INDEX "Message_userId_idempotencyKey_key" ON "Message"("userId", "idempotencyKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
