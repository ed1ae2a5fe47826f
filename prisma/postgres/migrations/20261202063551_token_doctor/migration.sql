-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "consentedAt" TIMESTAMPTZ(3),
ADD COLUMN     "reconnectCause" TEXT,
ADD COLUMN     "refreshTokenUsedAt" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "OAuthClientState" (
    "clientId" TEXT NOT NULL,
    "testingInferredAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "OAuthClientState_pkey" PRIMARY KEY ("clientId")
);
