-- AlterTable
ALTER TABLE "Idea" ADD COLUMN     "entryPrice" DOUBLE PRECISION,
ADD COLUMN     "targetPrice" DOUBLE PRECISION,
ADD COLUMN     "stopPrice" DOUBLE PRECISION,
ADD COLUMN     "legs" TEXT NOT NULL DEFAULT '[]';

-- CreateTable
CREATE TABLE "IdeaActivity" (
    "id" TEXT NOT NULL,
    "ideaId" TEXT NOT NULL,
    "actorId" TEXT NOT NULL,
    "actorName" TEXT NOT NULL,
    "changes" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "IdeaActivity_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "IdeaActivity_ideaId_createdAt_id_idx" ON "IdeaActivity"("ideaId", "createdAt", "id");

-- AddForeignKey
ALTER TABLE "IdeaActivity" ADD CONSTRAINT "IdeaActivity_ideaId_fkey" FOREIGN KEY ("ideaId") REFERENCES "Idea"("id") ON DELETE CASCADE ON UPDATE CASCADE;
