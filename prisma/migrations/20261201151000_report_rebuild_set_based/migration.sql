-- report_rebuild() computes each interaction's first arrival, acceptance and response with one grouped pass over
-- messages, offers and the outbox instead of three lookups per interaction (minutes instead of hours on a million).
CREATE OR REPLACE FUNCTION report_rebuild(ids INTEGER[] DEFAULT NULL) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF ids IS NULL THEN
    TRUNCATE "ReportInteraction", "ReportActivity";
  ELSE
    DELETE FROM "ReportInteraction" WHERE "interactionId" = ANY(ids);
    DELETE FROM "ReportActivity" WHERE "interactionId" = ANY(ids);
  END IF;
  INSERT INTO "ReportInteraction" ("interactionId", "accountId", "queueId", "agentId", "createdAt", "arrivedAt", "acceptedAt", "firstResponseAt", "closedAt", "dispositionId")
  SELECT i.id, i."accountId", i."queueId", i."agentId", i."createdAt", m.first, o.first, e.first, i."closedAt", i."dispositionId"
  FROM "Interaction" i
  LEFT JOIN (SELECT "interactionId", min("receivedAt") AS first FROM "Message"
             WHERE direction = 'inbound' AND (ids IS NULL OR "interactionId" = ANY(ids)) GROUP BY 1) m ON m."interactionId" = i.id
  LEFT JOIN (SELECT "interactionId", min("respondedAt") AS first FROM "Offer"
             WHERE state = 'accepted' AND (ids IS NULL OR "interactionId" = ANY(ids)) GROUP BY 1) o ON o."interactionId" = i.id
  LEFT JOIN (SELECT "interactionId", min(COALESCE("sentAt", "updatedAt")) AS first FROM "OutboundEmail"
             WHERE status = 'sent' AND kind IN ('reply', 'forward') AND "authorId" IS NOT NULL AND (ids IS NULL OR "interactionId" = ANY(ids))
             GROUP BY 1) e ON e."interactionId" = i.id
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
