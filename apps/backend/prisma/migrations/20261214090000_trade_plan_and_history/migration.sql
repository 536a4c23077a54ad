-- AlterTable
ALTER TABLE "Idea" ADD COLUMN "entryPrice" REAL;
ALTER TABLE "Idea" ADD COLUMN "targetPrice" REAL;
ALTER TABLE "Idea" ADD COLUMN "stopPrice" REAL;
ALTER TABLE "Idea" ADD COLUMN "legs" TEXT NOT NULL DEFAULT '[]';

-- CreateTable
CREATE TABLE "IdeaActivity" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "ideaId" TEXT NOT NULL,
    "actorId" TEXT NOT NULL,
    "actorName" TEXT NOT NULL,
    "changes" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "IdeaActivity_ideaId_fkey" FOREIGN KEY ("ideaId") REFERENCES "Idea" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "IdeaActivity_ideaId_createdAt_id_idx" ON "IdeaActivity"("ideaId", "createdAt", "id");
