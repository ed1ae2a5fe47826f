-- AlterTable
ALTER TABLE "Account" ADD COLUMN "consentedAt" DATETIME;
ALTER TABLE "Account" ADD COLUMN "reconnectCause" TEXT;
ALTER TABLE "Account" ADD COLUMN "refreshTokenUsedAt" DATETIME;

-- CreateTable
CREATE TABLE "OAuthClientState" (
    "clientId" TEXT NOT NULL PRIMARY KEY,
    "testingInferredAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);
