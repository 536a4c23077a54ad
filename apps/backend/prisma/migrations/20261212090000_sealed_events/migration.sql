-- AlterTable
ALTER TABLE "Comment" ADD COLUMN "signature" TEXT;

-- CreateTable
CREATE TABLE "PeerKey" (
    "userId" TEXT NOT NULL PRIMARY KEY,
    "signKey" TEXT NOT NULL,
    "boxKey" TEXT,
    "source" TEXT NOT NULL,
    "pinnedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "offeredSignKey" TEXT,
    "offeredBoxKey" TEXT,
    "offeredAt" DATETIME
);
