-- AlterTable
ALTER TABLE "Comment" ADD COLUMN     "signature" TEXT;

-- CreateTable
CREATE TABLE "PeerKey" (
    "userId" TEXT NOT NULL,
    "signKey" TEXT NOT NULL,
    "boxKey" TEXT,
    "source" TEXT NOT NULL,
    "pinnedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "offeredSignKey" TEXT,
    "offeredBoxKey" TEXT,
    "offeredAt" TIMESTAMP(3),

    CONSTRAINT "PeerKey_pkey" PRIMARY KEY ("userId")
);
