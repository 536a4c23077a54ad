-- The inbox is keyed by (verified sender, event id) instead of the event id alone: one event id is
-- used for every recipient of a fan-out, so a frame from another sender under the same id must not
-- be taken for a duplicate. Every existing row already names its verified sender (fromId), so it keeps
-- its meaning: the same event from the same sender is still a duplicate.
-- AlterTable
ALTER TABLE "Inbox" DROP CONSTRAINT "Inbox_pkey",
ADD CONSTRAINT "Inbox_pkey" PRIMARY KEY ("fromId", "eventId");
