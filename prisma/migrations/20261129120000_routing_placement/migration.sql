-- AlterTable
ALTER TABLE "Interaction" ADD COLUMN     "routingVersion" INTEGER NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "RoutingWait" (
    "id" SERIAL NOT NULL,
    "interactionId" INTEGER NOT NULL,
    "accountId" INTEGER NOT NULL,
    "messageId" INTEGER NOT NULL,
    "workflowId" TEXT NOT NULL,
    "queueId" INTEGER,
    "agentId" INTEGER,
    "priority" INTEGER NOT NULL,
    "waitingSince" TIMESTAMP(3) NOT NULL,
    "source" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "deadline" TIMESTAMP(3) NOT NULL,
    "excludedAgentIds" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "excludedUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RoutingWait_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RoutingWait_queueId_priority_waitingSince_interactionId_idx" ON "RoutingWait"("queueId", "priority" DESC, "waitingSince", "interactionId");

-- CreateIndex
CREATE INDEX "RoutingWait_agentId_idx" ON "RoutingWait"("agentId");

-- CreateIndex
CREATE INDEX "RoutingWait_interactionId_idx" ON "RoutingWait"("interactionId");

-- CreateIndex
CREATE INDEX "Offer_state_expiresAt_idx" ON "Offer"("state", "expiresAt");

-- AddForeignKey
ALTER TABLE "RoutingWait" ADD CONSTRAINT "RoutingWait_interactionId_fkey" FOREIGN KEY ("interactionId") REFERENCES "Interaction"("id") ON DELETE CASCADE ON UPDATE CASCADE;
