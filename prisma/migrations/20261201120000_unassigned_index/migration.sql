-- Interactions waiting unassigned: the agents' pick-up list and the sweep for ones left without a run.
CREATE INDEX "Interaction_routingState_status_idx" ON "Interaction"("routingState", "status");
