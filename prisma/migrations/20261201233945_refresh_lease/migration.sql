-- AlterTable
ALTER TABLE "Account" ADD COLUMN "refreshLeaseBy" TEXT;
ALTER TABLE "Account" ADD COLUMN "refreshLeaseUntil" DATETIME;
