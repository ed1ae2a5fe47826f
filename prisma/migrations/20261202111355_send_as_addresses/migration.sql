-- CreateTable
CREATE TABLE "SendAsAddress" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "accountId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "displayName" TEXT NOT NULL DEFAULT '',
    "replyTo" TEXT NOT NULL DEFAULT '',
    "isPrimary" BOOLEAN NOT NULL DEFAULT false,
    "isDefault" BOOLEAN NOT NULL DEFAULT false,
    "verificationStatus" TEXT NOT NULL,
    "refreshedAt" DATETIME NOT NULL,
    CONSTRAINT "SendAsAddress_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "SendAsAddress_accountId_address_key" ON "SendAsAddress"("accountId", "address");
