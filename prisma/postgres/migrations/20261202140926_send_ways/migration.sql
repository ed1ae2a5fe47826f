-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "appPasswordAddedAt" TIMESTAMPTZ(3),
ADD COLUMN     "appPasswordSealed" TEXT,
ADD COLUMN     "sendWay" TEXT NOT NULL DEFAULT 'smtp_oauth';
