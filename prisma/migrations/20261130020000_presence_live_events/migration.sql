-- A user's presence, live: whatever changes it (the user, an admin, routing pausing an agent who let an offer go or
-- who owes a disposition, the presence given back), the change is announced on the live events channel when it
-- commits, so the agent's desk shows the server's presence and why, without a reload.
CREATE FUNCTION announce_presence() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('mailroute_events', json_build_object(
    'kind', 'presence', 'userId', NEW.id, 'presence', NEW.presence::text, 'pauseStatusId', NEW."pauseStatusId")::text);
  RETURN NULL;
END;
$$;

CREATE TRIGGER "User_presence_announced"
  AFTER UPDATE OF presence, "pauseStatusId" ON "User"
  FOR EACH ROW
  WHEN (OLD.presence IS DISTINCT FROM NEW.presence OR OLD."pauseStatusId" IS DISTINCT FROM NEW."pauseStatusId")
  EXECUTE FUNCTION announce_presence();
