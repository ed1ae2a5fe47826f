-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT,
    "kind" TEXT NOT NULL,
    "email" TEXT,
    "detail" TEXT,
    "ip" TEXT,
    "userAgent" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AuditEvent_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tokenHash" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "expires" DATETIME NOT NULL,
    CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
-- Sessions stored their token in plaintext; they are dropped (everyone signs in once more).
DROP TABLE "Session";
ALTER TABLE "new_Session" RENAME TO "Session";
CREATE UNIQUE INDEX "Session_tokenHash_key" ON "Session"("tokenHash");
CREATE INDEX "Session_userId_idx" ON "Session"("userId");
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
    "recipientCount" INTEGER NOT NULL DEFAULT 1,
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
INSERT INTO "new_Message" ("accountId", "attempts", "bcc", "cc", "createdAt", "fromAddress", "id", "idempotencyKey", "lastError", "lastSmtpCode", "lastSmtpReply", "lockedBy", "lockedUntil", "messageIdHeader", "nextAttemptAt", "scheduledAt", "sentAt", "sizeBytes", "source", "status", "subject", "to", "updatedAt", "userId", "recipientCount") SELECT "accountId", "attempts", "bcc", "cc", "createdAt", "fromAddress", "id", "idempotencyKey", "lastError", "lastSmtpCode", "lastSmtpReply", "lockedBy", "lockedUntil", "messageIdHeader", "nextAttemptAt", "scheduledAt", "sentAt", "sizeBytes", "source", "status", "subject", "to", "updatedAt", "userId", json_array_length("to") + json_array_length("cc") + json_array_length("bcc") FROM "Message";
DROP TABLE "Message";
ALTER TABLE "new_Message" RENAME TO "Message";
CREATE UNIQUE INDEX "Message_messageIdHeader_key" ON "Message"("messageIdHeader");
CREATE INDEX "Message_status_nextAttemptAt_idx" ON "Message"("status", "nextAttemptAt");
CREATE INDEX "Message_userId_createdAt_idx" ON "Message"("userId", "createdAt");
CREATE INDEX "Message_userId_status_idx" ON "Message"("userId", "status");
CREATE INDEX "Message_accountId_status_idx" ON "Message"("accountId", "status");
CREATE INDEX "Message_accountId_sentAt_idx" ON "Message"("accountId", "sentAt");
CREATE UNIQUE INDEX "Message_userId_idempotencyKey_key" ON "Message"("userId", "idempotencyKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "AuditEvent_userId_createdAt_idx" ON "AuditEvent"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_createdAt_idx" ON "AuditEvent"("createdAt");
