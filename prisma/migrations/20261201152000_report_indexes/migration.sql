-- Reports narrowed to a queue or an agent read that queue's or agent's rows only (across every account), and the
-- emails and transfers of an account come from the index alone (an index-only scan, without the table).
CREATE INDEX "ReportInteraction_queueId_arrivedAt_idx" ON "ReportInteraction"("queueId", "arrivedAt");
CREATE INDEX "ReportInteraction_agentId_arrivedAt_idx" ON "ReportInteraction"("agentId", "arrivedAt");
CREATE INDEX "ReportInteraction_queueId_closedAt_idx" ON "ReportInteraction"("queueId", "closedAt");
CREATE INDEX "ReportInteraction_agentId_closedAt_idx" ON "ReportInteraction"("agentId", "closedAt");
CREATE INDEX "ReportInteraction_queueId_createdAt_idx" ON "ReportInteraction"("queueId", "createdAt");
CREATE INDEX "ReportInteraction_agentId_createdAt_idx" ON "ReportInteraction"("agentId", "createdAt");
DROP INDEX "ReportActivity_accountId_at_idx";
CREATE INDEX "ReportActivity_accountId_at_kind_queueId_agentId_idx" ON "ReportActivity"("accountId", "at", "kind", "queueId", "agentId");
CREATE INDEX "ReportActivity_queueId_at_kind_idx" ON "ReportActivity"("queueId", "at", "kind");
CREATE INDEX "ReportActivity_agentId_at_kind_idx" ON "ReportActivity"("agentId", "at", "kind");
