-- AlterTable
ALTER TABLE "Account" ADD COLUMN "nextSendAt" DATETIME;
ALTER TABLE "Account" ADD COLUMN "pauseReason" TEXT;

-- CreateIndex
CREATE INDEX "Message_accountId_sentAt_idx" ON "Message"("accountId", "sentAt");
