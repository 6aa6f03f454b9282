-- Reports: per-interaction facts and dated activity, kept by triggers on the raw tables, so a report over a quarter
-- reads two narrow indexed tables. report_rebuild() recomputes both from the raw tables (the backfill below, the
-- benchmark after a bulk load, and the test that the triggers keep them exact).
CREATE TABLE "ReportInteraction" (
    "interactionId" INTEGER NOT NULL,
    "accountId" INTEGER NOT NULL,
    "queueId" INTEGER,
    "agentId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "arrivedAt" TIMESTAMP(3),
    "acceptedAt" TIMESTAMP(3),
    "firstResponseAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),
    "dispositionId" INTEGER,

    CONSTRAINT "ReportInteraction_pkey" PRIMARY KEY ("interactionId")
);

CREATE TABLE "ReportActivity" (
    "id" BIGSERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "sourceId" INTEGER NOT NULL,
    "interactionId" INTEGER NOT NULL,
    "accountId" INTEGER NOT NULL,
    "queueId" INTEGER,
    "agentId" INTEGER,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReportActivity_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "ReportInteraction_accountId_arrivedAt_idx" ON "ReportInteraction"("accountId", "arrivedAt");
CREATE INDEX "ReportInteraction_accountId_createdAt_idx" ON "ReportInteraction"("accountId", "createdAt");
CREATE INDEX "ReportInteraction_accountId_closedAt_idx" ON "ReportInteraction"("accountId", "closedAt");
CREATE UNIQUE INDEX "ReportActivity_kind_sourceId_key" ON "ReportActivity"("kind", "sourceId");
CREATE INDEX "ReportActivity_accountId_at_idx" ON "ReportActivity"("accountId", "at");
CREATE INDEX "ReportActivity_interactionId_idx" ON "ReportActivity"("interactionId");

-- An interaction's own columns, and its removal.
CREATE FUNCTION report_interaction_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM "ReportInteraction" WHERE "interactionId" = OLD.id;
    DELETE FROM "ReportActivity" WHERE "interactionId" = OLD.id;
    RETURN OLD;
  END IF;
  INSERT INTO "ReportInteraction" ("interactionId", "accountId", "queueId", "agentId", "createdAt", "closedAt", "dispositionId")
  VALUES (NEW.id, NEW."accountId", NEW."queueId", NEW."agentId", NEW."createdAt", NEW."closedAt", NEW."dispositionId")
  ON CONFLICT ("interactionId") DO UPDATE SET
    "accountId" = EXCLUDED."accountId", "queueId" = EXCLUDED."queueId", "agentId" = EXCLUDED."agentId",
    "createdAt" = EXCLUDED."createdAt", "closedAt" = EXCLUDED."closedAt", "dispositionId" = EXCLUDED."dispositionId";
  -- Counted emails and transfers follow the interaction's queue (and a customer's email or an autoreply its agent;
  -- a transfer its account): the first email arrives before routing has chosen either.
  IF TG_OP = 'UPDATE' AND (OLD."queueId", OLD."agentId", OLD."accountId") IS DISTINCT FROM (NEW."queueId", NEW."agentId", NEW."accountId") THEN
    UPDATE "ReportActivity" SET "queueId" = NEW."queueId",
      "agentId" = CASE WHEN kind IN ('inbound', 'autoreply') THEN NEW."agentId" ELSE "agentId" END,
      "accountId" = CASE WHEN kind = 'transfer' THEN NEW."accountId" ELSE "accountId" END
    WHERE "interactionId" = NEW.id;
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER "Interaction_report_insert" AFTER INSERT ON "Interaction"
  FOR EACH ROW EXECUTE FUNCTION report_interaction_changed();
CREATE TRIGGER "Interaction_report_update" AFTER UPDATE OF "accountId", "queueId", "agentId", "createdAt", "closedAt", "dispositionId" ON "Interaction"
  FOR EACH ROW EXECUTE FUNCTION report_interaction_changed();
CREATE TRIGGER "Interaction_report_delete" AFTER DELETE ON "Interaction"
  FOR EACH ROW EXECUTE FUNCTION report_interaction_changed();

-- A customer's email: the interaction's arrival (its first one) and an inbound count.
CREATE FUNCTION report_message_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.direction <> 'inbound' THEN RETURN NEW; END IF;
  UPDATE "ReportInteraction" SET "arrivedAt" = LEAST(COALESCE("arrivedAt", NEW."receivedAt"), NEW."receivedAt")
  WHERE "interactionId" = NEW."interactionId";
  INSERT INTO "ReportActivity" ("kind", "sourceId", "interactionId", "accountId", "queueId", "agentId", "at")
  SELECT 'inbound', NEW.id, NEW."interactionId", NEW."accountId", i."queueId", i."agentId", NEW."receivedAt"
  FROM "Interaction" i WHERE i.id = NEW."interactionId"
  ON CONFLICT ("kind", "sourceId") DO NOTHING;
  RETURN NEW;
END $$;

CREATE TRIGGER "Message_report_insert" AFTER INSERT ON "Message"
  FOR EACH ROW EXECUTE FUNCTION report_message_inserted();

-- An accepted offer: the interaction's first acceptance.
CREATE FUNCTION report_offer_accepted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.state = 'accepted' AND NEW."respondedAt" IS NOT NULL THEN
    UPDATE "ReportInteraction" SET "acceptedAt" = LEAST(COALESCE("acceptedAt", NEW."respondedAt"), NEW."respondedAt")
    WHERE "interactionId" = NEW."interactionId";
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER "Offer_report_insert" AFTER INSERT ON "Offer"
  FOR EACH ROW EXECUTE FUNCTION report_offer_accepted();
CREATE TRIGGER "Offer_report_update" AFTER UPDATE OF state, "respondedAt" ON "Offer"
  FOR EACH ROW EXECUTE FUNCTION report_offer_accepted();

-- A sent email: an agent's reply or forward (the first one is the first response) or an autoreply.
CREATE FUNCTION report_outbound_sent() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  sent_at TIMESTAMP(3) := COALESCE(NEW."sentAt", NEW."updatedAt");
BEGIN
  IF NEW.status <> 'sent' THEN RETURN NEW; END IF;
  IF NEW.kind IN ('reply', 'forward') AND NEW."authorId" IS NOT NULL THEN
    UPDATE "ReportInteraction" SET "firstResponseAt" = LEAST(COALESCE("firstResponseAt", sent_at), sent_at)
    WHERE "interactionId" = NEW."interactionId";
    INSERT INTO "ReportActivity" ("kind", "sourceId", "interactionId", "accountId", "queueId", "agentId", "at")
    SELECT 'outbound', NEW.id, NEW."interactionId", NEW."accountId", i."queueId", NEW."authorId", sent_at
    FROM "Interaction" i WHERE i.id = NEW."interactionId"
    ON CONFLICT ("kind", "sourceId") DO UPDATE SET "at" = EXCLUDED."at";
  ELSIF NEW.kind = 'autoreply' THEN
    INSERT INTO "ReportActivity" ("kind", "sourceId", "interactionId", "accountId", "queueId", "agentId", "at")
    SELECT 'autoreply', NEW.id, NEW."interactionId", NEW."accountId", i."queueId", i."agentId", sent_at
    FROM "Interaction" i WHERE i.id = NEW."interactionId"
    ON CONFLICT ("kind", "sourceId") DO UPDATE SET "at" = EXCLUDED."at";
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER "OutboundEmail_report_insert" AFTER INSERT ON "OutboundEmail"
  FOR EACH ROW EXECUTE FUNCTION report_outbound_sent();
CREATE TRIGGER "OutboundEmail_report_update" AFTER UPDATE OF status, "sentAt" ON "OutboundEmail"
  FOR EACH ROW EXECUTE FUNCTION report_outbound_sent();

-- A transfer an agent started, counted for that agent.
CREATE FUNCTION report_transfer_started() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.type <> 'transfer-started' THEN RETURN NEW; END IF;
  INSERT INTO "ReportActivity" ("kind", "sourceId", "interactionId", "accountId", "queueId", "agentId", "at")
  SELECT 'transfer', NEW.id, NEW."interactionId", i."accountId", i."queueId",
         CASE WHEN NEW.detail->>'fromAgentId' ~ '^[0-9]{1,9}$' THEN (NEW.detail->>'fromAgentId')::int END, NEW."createdAt"
  FROM "Interaction" i WHERE i.id = NEW."interactionId"
  ON CONFLICT ("kind", "sourceId") DO NOTHING;
  RETURN NEW;
END $$;

CREATE TRIGGER "RoutingEvent_report_insert" AFTER INSERT ON "RoutingEvent"
  FOR EACH ROW EXECUTE FUNCTION report_transfer_started();

-- Both tables recomputed from the raw ones: for the interactions `ids`, or all (null).
CREATE FUNCTION report_rebuild(ids INTEGER[] DEFAULT NULL) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF ids IS NULL THEN
    TRUNCATE "ReportInteraction", "ReportActivity";
  ELSE
    DELETE FROM "ReportInteraction" WHERE "interactionId" = ANY(ids);
    DELETE FROM "ReportActivity" WHERE "interactionId" = ANY(ids);
  END IF;
  INSERT INTO "ReportInteraction" ("interactionId", "accountId", "queueId", "agentId", "createdAt", "arrivedAt", "acceptedAt", "firstResponseAt", "closedAt", "dispositionId")
  SELECT i.id, i."accountId", i."queueId", i."agentId", i."createdAt",
         (SELECT min(m."receivedAt") FROM "Message" m WHERE m."interactionId" = i.id AND m.direction = 'inbound'),
         (SELECT min(o."respondedAt") FROM "Offer" o WHERE o."interactionId" = i.id AND o.state = 'accepted'),
         (SELECT min(COALESCE(e."sentAt", e."updatedAt")) FROM "OutboundEmail" e
           WHERE e."interactionId" = i.id AND e.status = 'sent' AND e.kind IN ('reply', 'forward') AND e."authorId" IS NOT NULL),
         i."closedAt", i."dispositionId"
  FROM "Interaction" i WHERE ids IS NULL OR i.id = ANY(ids);
  INSERT INTO "ReportActivity" ("kind", "sourceId", "interactionId", "accountId", "queueId", "agentId", "at")
  SELECT 'inbound', m.id, m."interactionId", m."accountId", i."queueId", i."agentId", m."receivedAt"
  FROM "Message" m JOIN "Interaction" i ON i.id = m."interactionId" WHERE m.direction = 'inbound' AND (ids IS NULL OR i.id = ANY(ids));
  INSERT INTO "ReportActivity" ("kind", "sourceId", "interactionId", "accountId", "queueId", "agentId", "at")
  SELECT CASE WHEN e.kind = 'autoreply' THEN 'autoreply' ELSE 'outbound' END, e.id, e."interactionId", e."accountId", i."queueId",
         CASE WHEN e.kind = 'autoreply' THEN i."agentId" ELSE e."authorId" END, COALESCE(e."sentAt", e."updatedAt")
  FROM "OutboundEmail" e JOIN "Interaction" i ON i.id = e."interactionId"
  WHERE (ids IS NULL OR i.id = ANY(ids)) AND e.status = 'sent' AND (e.kind = 'autoreply' OR (e.kind IN ('reply', 'forward') AND e."authorId" IS NOT NULL));
  INSERT INTO "ReportActivity" ("kind", "sourceId", "interactionId", "accountId", "queueId", "agentId", "at")
  SELECT 'transfer', r.id, r."interactionId", i."accountId", i."queueId",
         CASE WHEN r.detail->>'fromAgentId' ~ '^[0-9]{1,9}$' THEN (r.detail->>'fromAgentId')::int END, r."createdAt"
  FROM "RoutingEvent" r JOIN "Interaction" i ON i.id = r."interactionId" WHERE r.type = 'transfer-started' AND (ids IS NULL OR i.id = ANY(ids));
END $$;

SELECT report_rebuild();
