-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Account" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "providerAccountId" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "hostedDomain" TEXT,
    "scope" TEXT NOT NULL DEFAULT '',
    "refreshTokenSealed" TEXT,
    "accessTokenSealed" TEXT,
    "accessTokenExpiresAt" DATETIME,
    "lastRefreshedAt" DATETIME,
    "refreshLeaseBy" TEXT,
    "refreshLeaseUntil" DATETIME,
    "reconnectReason" TEXT,
    "reconnectSince" DATETIME,
    "reconnectCause" TEXT,
    "consentedAt" DATETIME,
    "refreshTokenUsedAt" DATETIME,
    "sendWay" TEXT NOT NULL DEFAULT 'smtp_oauth',
    "appPasswordSealed" TEXT,
    "appPasswordAddedAt" DATETIME,
    "nextSendAt" DATETIME,
    "pauseReason" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Account_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Account" ("accessTokenExpiresAt", "accessTokenSealed", "consentedAt", "createdAt", "email", "hostedDomain", "id", "lastRefreshedAt", "nextSendAt", "pauseReason", "provider", "providerAccountId", "reconnectCause", "reconnectReason", "reconnectSince", "refreshLeaseBy", "refreshLeaseUntil", "refreshTokenSealed", "refreshTokenUsedAt", "scope", "updatedAt", "userId") SELECT "accessTokenExpiresAt", "accessTokenSealed", "consentedAt", "createdAt", "email", "hostedDomain", "id", "lastRefreshedAt", "nextSendAt", "pauseReason", "provider", "providerAccountId", "reconnectCause", "reconnectReason", "reconnectSince", "refreshLeaseBy", "refreshLeaseUntil", "refreshTokenSealed", "refreshTokenUsedAt", "scope", "updatedAt", "userId" FROM "Account";
DROP TABLE "Account";
ALTER TABLE "new_Account" RENAME TO "Account";
CREATE INDEX "Account_userId_idx" ON "Account"("userId");
CREATE UNIQUE INDEX "Account_provider_providerAccountId_key" ON "Account"("provider", "providerAccountId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
