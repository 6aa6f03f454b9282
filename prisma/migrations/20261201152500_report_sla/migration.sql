-- Each interaction's SLA targets, counted in its report row (how many of each target, met within it, breached) by a
-- trigger on interaction_sla: a report's SLA compliance is read with its other arrival figures, in the same scan.
ALTER TABLE "ReportInteraction"
  ADD COLUMN "slaFirstResponse" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "slaFirstResponseMet" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "slaFirstResponseBreached" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "slaNextResponse" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "slaNextResponseMet" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "slaNextResponseBreached" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "slaResolution" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "slaResolutionMet" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "slaResolutionBreached" INTEGER NOT NULL DEFAULT 0;

CREATE FUNCTION report_sla_refresh(for_interaction INTEGER) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "ReportInteraction" SET ("slaFirstResponse", "slaFirstResponseMet", "slaFirstResponseBreached", "slaNextResponse", "slaNextResponseMet", "slaNextResponseBreached", "slaResolution", "slaResolutionMet", "slaResolutionBreached") = (
    SELECT count(*) FILTER (WHERE target = 'first-response')::int,
           count(*) FILTER (WHERE target = 'first-response' AND "metAt" IS NOT NULL AND "breachedAt" IS NULL)::int,
           count(*) FILTER (WHERE target = 'first-response' AND "breachedAt" IS NOT NULL)::int,
           count(*) FILTER (WHERE target = 'next-response')::int,
           count(*) FILTER (WHERE target = 'next-response' AND "metAt" IS NOT NULL AND "breachedAt" IS NULL)::int,
           count(*) FILTER (WHERE target = 'next-response' AND "breachedAt" IS NOT NULL)::int,
           count(*) FILTER (WHERE target = 'resolution')::int,
           count(*) FILTER (WHERE target = 'resolution' AND "metAt" IS NOT NULL AND "breachedAt" IS NULL)::int,
           count(*) FILTER (WHERE target = 'resolution' AND "breachedAt" IS NOT NULL)::int
    FROM "interaction_sla" WHERE "interactionId" = for_interaction)
  WHERE "interactionId" = for_interaction;
END $$;

CREATE FUNCTION report_sla_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM report_sla_refresh(OLD."interactionId"); END IF;
  IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW."interactionId" <> OLD."interactionId") THEN
    PERFORM report_sla_refresh(NEW."interactionId");
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "interaction_sla_report" AFTER INSERT OR UPDATE OR DELETE ON "interaction_sla"
  FOR EACH ROW EXECUTE FUNCTION report_sla_changed();

-- report_rebuild() counts them too.
CREATE OR REPLACE FUNCTION report_rebuild(ids INTEGER[] DEFAULT NULL) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF ids IS NULL THEN
    TRUNCATE "ReportInteraction", "ReportActivity";
  ELSE
    DELETE FROM "ReportInteraction" WHERE "interactionId" = ANY(ids);
    DELETE FROM "ReportActivity" WHERE "interactionId" = ANY(ids);
  END IF;
  INSERT INTO "ReportInteraction" ("interactionId", "accountId", "queueId", "agentId", "createdAt", "arrivedAt", "acceptedAt", "firstResponseAt", "closedAt", "dispositionId",
    "slaFirstResponse", "slaFirstResponseMet", "slaFirstResponseBreached", "slaNextResponse", "slaNextResponseMet", "slaNextResponseBreached", "slaResolution", "slaResolutionMet", "slaResolutionBreached")
  SELECT i.id, i."accountId", i."queueId", i."agentId", i."createdAt", m.first, o.first, e.first, i."closedAt", i."dispositionId",
         COALESCE(s."slaFirstResponse", 0), COALESCE(s."slaFirstResponseMet", 0), COALESCE(s."slaFirstResponseBreached", 0), COALESCE(s."slaNextResponse", 0), COALESCE(s."slaNextResponseMet", 0), COALESCE(s."slaNextResponseBreached", 0), COALESCE(s."slaResolution", 0), COALESCE(s."slaResolutionMet", 0), COALESCE(s."slaResolutionBreached", 0)
  FROM "Interaction" i
  LEFT JOIN (SELECT "interactionId", min("receivedAt") AS first FROM "Message"
             WHERE direction = 'inbound' AND (ids IS NULL OR "interactionId" = ANY(ids)) GROUP BY 1) m ON m."interactionId" = i.id
  LEFT JOIN (SELECT "interactionId", min("respondedAt") AS first FROM "Offer"
             WHERE state = 'accepted' AND (ids IS NULL OR "interactionId" = ANY(ids)) GROUP BY 1) o ON o."interactionId" = i.id
  LEFT JOIN (SELECT "interactionId", min(COALESCE("sentAt", "updatedAt")) AS first FROM "OutboundEmail"
             WHERE status = 'sent' AND kind IN ('reply', 'forward') AND "authorId" IS NOT NULL AND (ids IS NULL OR "interactionId" = ANY(ids))
             GROUP BY 1) e ON e."interactionId" = i.id
  LEFT JOIN (SELECT "interactionId",
           count(*) FILTER (WHERE target = 'first-response')::int AS "slaFirstResponse",
           count(*) FILTER (WHERE target = 'first-response' AND "metAt" IS NOT NULL AND "breachedAt" IS NULL)::int AS "slaFirstResponseMet",
           count(*) FILTER (WHERE target = 'first-response' AND "breachedAt" IS NOT NULL)::int AS "slaFirstResponseBreached",
           count(*) FILTER (WHERE target = 'next-response')::int AS "slaNextResponse",
           count(*) FILTER (WHERE target = 'next-response' AND "metAt" IS NOT NULL AND "breachedAt" IS NULL)::int AS "slaNextResponseMet",
           count(*) FILTER (WHERE target = 'next-response' AND "breachedAt" IS NOT NULL)::int AS "slaNextResponseBreached",
           count(*) FILTER (WHERE target = 'resolution')::int AS "slaResolution",
           count(*) FILTER (WHERE target = 'resolution' AND "metAt" IS NOT NULL AND "breachedAt" IS NULL)::int AS "slaResolutionMet",
           count(*) FILTER (WHERE target = 'resolution' AND "breachedAt" IS NOT NULL)::int AS "slaResolutionBreached"
             FROM "interaction_sla" WHERE ids IS NULL OR "interactionId" = ANY(ids) GROUP BY 1) s ON s."interactionId" = i.id
  WHERE ids IS NULL OR i.id = ANY(ids);
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
