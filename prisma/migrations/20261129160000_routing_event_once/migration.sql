-- Events that happen once per thing (one outbound email sent) carry a key: a repeated record of it is dropped.
ALTER TABLE "RoutingEvent" ADD COLUMN "onceKey" TEXT;
CREATE UNIQUE INDEX "RoutingEvent_interactionId_onceKey_key" ON "RoutingEvent"("interactionId", "onceKey");
