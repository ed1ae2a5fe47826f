-- AlterTable
ALTER TABLE "Message" ADD COLUMN "displayNames" JSONB;
