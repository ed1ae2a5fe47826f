-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "refreshLeaseBy" TEXT,
ADD COLUMN     "refreshLeaseUntil" TIMESTAMPTZ(3);
