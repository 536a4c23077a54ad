-- Names shown for other users come from verified identity (Friend records, whose names the relay
-- verified), never from a name inside an event payload. Rows stored before that rule keep whatever name
-- a payload carried: give every idea owner and every comment author who has a Friend record that
-- record's name. A received idea's owner always has one (sharing needs a friend; removing the friend
-- removes the idea). Comment authors without a Friend record keep their stored name: this database
-- does not record its own user's id, so SQL cannot tell this user's comments from a stranger's.
UPDATE "Idea"
SET "ownerName" = (SELECT "displayName" FROM "Friend" WHERE "Friend"."userId" = "Idea"."ownerId")
WHERE "ownerId" IN (SELECT "userId" FROM "Friend");

UPDATE "Comment"
SET "authorName" = (SELECT "displayName" FROM "Friend" WHERE "Friend"."userId" = "Comment"."authorId")
WHERE "authorId" IN (SELECT "userId" FROM "Friend");
