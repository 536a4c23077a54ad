-- The inbox is keyed by (verified sender, event id) instead of the event id alone: one event id is
-- used for every recipient of a fan-out, so a frame from another sender under the same id must not
-- be taken for a duplicate. Every existing row already names its verified sender (fromId), so it keeps
-- its meaning: the same event from the same sender is still a duplicate.
-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Inbox" (
    "fromId" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("fromId", "eventId")
);
INSERT INTO "new_Inbox" ("eventId", "fromId", "outcome", "receivedAt", "type") SELECT "eventId", "fromId", "outcome", "receivedAt", "type" FROM "Inbox";
DROP TABLE "Inbox";
ALTER TABLE "new_Inbox" RENAME TO "Inbox";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
