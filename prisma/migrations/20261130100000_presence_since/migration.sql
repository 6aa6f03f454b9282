-- Since when a user is in their presence (online, paused for a reason, offline): the supervisor's "time in state".
-- Set by the database whatever changes the presence (the user, an admin, routing pausing an agent), in the same
-- statement, so it can never disagree with the presence it dates.
ALTER TABLE "User" ADD COLUMN "presenceChangedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

CREATE FUNCTION date_presence() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- The column holds UTC, as every timestamp Prisma writes.
  NEW."presenceChangedAt" := now() AT TIME ZONE 'UTC';
  RETURN NEW;
END;
$$;

CREATE TRIGGER "User_presence_dated"
  BEFORE UPDATE OF presence, "pauseStatusId" ON "User"
  FOR EACH ROW
  WHEN (OLD.presence IS DISTINCT FROM NEW.presence OR OLD."pauseStatusId" IS DISTINCT FROM NEW."pauseStatusId")
  EXECUTE FUNCTION date_presence();

-- The announcement names the accounts the user works for (added to the account, or a member of one of its queues),
-- so the live stream tells the supervisors of those accounts, and of no other, and says since when.
CREATE OR REPLACE FUNCTION announce_presence() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('mailroute_events', json_build_object(
    'kind', 'presence', 'userId', NEW.id, 'presence', NEW.presence::text, 'pauseStatusId', NEW."pauseStatusId",
    'since', to_char(NEW."presenceChangedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'accountIds', (
      SELECT coalesce(json_agg(DISTINCT worked."accountId"), '[]'::json) FROM (
        SELECT "accountId" FROM "AccountAgent" WHERE "userId" = NEW.id
        UNION
        SELECT link."accountId" FROM "QueueMember" member JOIN "AccountQueue" link ON link."queueId" = member."queueId"
        WHERE member."userId" = NEW.id
      ) worked
    ))::text);
  RETURN NULL;
END;
$$;
