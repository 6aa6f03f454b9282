-- An agent's answer to an offer, decided in one round trip: accept (the agent takes the interaction; every other
-- pending offer of it is rescinded) or reject. The interaction row is locked before the offer is read, so in a
-- ring-all race exactly one accept wins. Each statement of a PL/pgSQL function takes a fresh snapshot (READ
-- COMMITTED), so the offer read after the lock sees an accept that won while this one waited for it.
CREATE FUNCTION answer_offer(offer_id integer, agent_id integer, answer "OfferState") RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  target record;
  offer record;
  rescinded jsonb := '[]'::jsonb;
BEGIN
  SELECT o."interactionId", o."userId", i."routingVersion", o.state::text AS state, o."workflowId", o.reservation
    INTO target
    FROM "Offer" o JOIN "Interaction" i ON i.id = o."interactionId"
    WHERE o.id = answer_offer.offer_id;
  IF NOT FOUND OR target."userId" <> answer_offer.agent_id THEN
    RETURN jsonb_build_object('outcome', 'not-found');
  END IF;
  -- Runs that decide answers themselves (routing version 1) are asked by the caller.
  IF target."routingVersion" < 2 THEN
    RETURN jsonb_build_object('outcome', 'asked-by-workflow', 'state', target.state, 'workflowId', target."workflowId",
                              'reservation', target.reservation);
  END IF;

  PERFORM 1 FROM "Interaction" WHERE id = target."interactionId" FOR NO KEY UPDATE;
  SELECT o.id AS "offerId", o."interactionId", o."messageId", o."userId" AS "agentId", o."workflowId", o.reservation,
         o."queueId", o.state::text AS state, o."expiresAt" <= now() AS expired, i."accountId", i."routingWorkflowId",
         i."agentId" AS "holderId", i."routingState"::text AS "routingState"
    INTO offer
    FROM "Offer" o JOIN "Interaction" i ON i.id = o."interactionId"
    WHERE o.id = answer_offer.offer_id;
  IF offer.state <> 'pending' OR offer.expired
     OR (answer = 'accepted' AND offer."routingWorkflowId" IS DISTINCT FROM offer."workflowId") THEN
    RETURN jsonb_build_object('outcome', 'refused') || to_jsonb(offer);
  END IF;

  UPDATE "Offer" SET state = answer, "respondedAt" = now() WHERE id = offer."offerId";
  IF answer = 'accepted' THEN
    WITH ended AS (
      UPDATE "Offer" SET state = 'rescinded', "respondedAt" = now()
      WHERE "interactionId" = offer."interactionId" AND "workflowId" = offer."workflowId" AND state = 'pending'
      RETURNING id AS "offerId", "interactionId", "workflowId", reservation, "userId" AS "agentId", "queueId"
    )
    SELECT coalesce(jsonb_agg(to_jsonb(ended)), '[]'::jsonb) INTO rescinded FROM ended;
    UPDATE "Interaction" SET "agentId" = offer."agentId", "routingState" = 'accepted', read = true, "updatedAt" = now()
      WHERE id = offer."interactionId";
    UPDATE "User" SET "handledCount" = "handledCount" + 1 WHERE id = offer."agentId";
    DELETE FROM "RoutingWait" WHERE "interactionId" = offer."interactionId";
    INSERT INTO "RoutingEvent" ("interactionId", "workflowId", type, detail)
      VALUES (offer."interactionId", offer."workflowId", 'accepted',
              jsonb_build_object('agentId', offer."agentId", 'reservation', offer.reservation));
  END IF;
  RETURN jsonb_build_object('outcome', 'answered', 'rescinded', rescinded) || to_jsonb(offer);
END;
$$;
