-- An SLA escalation's email to a supervisor goes through the outbox.
ALTER TYPE "OutboundKind" ADD VALUE 'escalation';

-- SLA policies per account, the targets measured per interaction, the escalations made and their webhook deliveries.
CREATE TABLE "sla_policies" (
    "id" SERIAL NOT NULL,
    "accountId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "calendarId" INTEGER,
    "matchQueueIds" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "matchPriorities" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "matchTags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "firstResponseSeconds" INTEGER,
    "nextResponseSeconds" INTEGER,
    "resolutionSeconds" INTEGER,
    "warningBeforeSeconds" INTEGER NOT NULL DEFAULT 0,
    "pauseWhileWaitingOnCustomer" BOOLEAN NOT NULL DEFAULT false,
    "warningActions" JSONB NOT NULL DEFAULT '[]',
    "breachActions" JSONB NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "sla_policies_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "interaction_sla" (
    "id" SERIAL NOT NULL,
    "interactionId" INTEGER NOT NULL,
    "policyId" INTEGER,
    "target" TEXT NOT NULL,
    "cycle" INTEGER NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "warnedAt" TIMESTAMP(3),
    "breachedAt" TIMESTAMP(3),
    "metAt" TIMESTAMP(3),

    CONSTRAINT "interaction_sla_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "sla_escalations" (
    "id" SERIAL NOT NULL,
    "interactionId" INTEGER NOT NULL,
    "target" TEXT NOT NULL,
    "cycle" INTEGER NOT NULL,
    "level" TEXT NOT NULL,
    "actions" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sla_escalations_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "sla_webhook_deliveries" (
    "id" SERIAL NOT NULL,
    "escalationId" INTEGER NOT NULL,
    "url" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "body" JSONB NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastStatus" INTEGER,
    "lastError" TEXT,
    "deliveredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sla_webhook_deliveries_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "sla_policies_accountId_name_key" ON "sla_policies"("accountId", "name");
CREATE INDEX "sla_policies_accountId_position_idx" ON "sla_policies"("accountId", "position");
CREATE UNIQUE INDEX "interaction_sla_interactionId_target_cycle_key" ON "interaction_sla"("interactionId", "target", "cycle");
CREATE INDEX "interaction_sla_dueAt_idx" ON "interaction_sla"("dueAt");
CREATE INDEX "interaction_sla_breachedAt_idx" ON "interaction_sla"("breachedAt");
CREATE UNIQUE INDEX "sla_escalations_interactionId_target_cycle_level_key" ON "sla_escalations"("interactionId", "target", "cycle", "level");
CREATE UNIQUE INDEX "sla_webhook_deliveries_idempotencyKey_key" ON "sla_webhook_deliveries"("idempotencyKey");
CREATE INDEX "sla_webhook_deliveries_state_nextAttemptAt_idx" ON "sla_webhook_deliveries"("state", "nextAttemptAt");
CREATE INDEX "sla_webhook_deliveries_escalationId_idx" ON "sla_webhook_deliveries"("escalationId");

ALTER TABLE "sla_policies" ADD CONSTRAINT "sla_policies_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "EmailAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "interaction_sla" ADD CONSTRAINT "interaction_sla_interactionId_fkey" FOREIGN KEY ("interactionId") REFERENCES "Interaction"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "interaction_sla" ADD CONSTRAINT "interaction_sla_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "sla_policies"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "sla_escalations" ADD CONSTRAINT "sla_escalations_interactionId_fkey" FOREIGN KEY ("interactionId") REFERENCES "Interaction"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "sla_webhook_deliveries" ADD CONSTRAINT "sla_webhook_deliveries_escalationId_fkey" FOREIGN KEY ("escalationId") REFERENCES "sla_escalations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
