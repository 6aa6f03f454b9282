-- An outbound email whose delivery is unknown (uncertain) is settled once: found in the Sent folder, marked sent or
-- discarded by a person, or resent as a new email (the row it was resent as).
ALTER TABLE "OutboundEmail" ADD COLUMN "resolution" TEXT;
ALTER TABLE "OutboundEmail" ADD COLUMN "resolvedById" INTEGER;
ALTER TABLE "OutboundEmail" ADD COLUMN "resolvedAt" TIMESTAMP(3);
ALTER TABLE "OutboundEmail" ADD COLUMN "resentAsId" INTEGER;
CREATE INDEX "OutboundEmail_status_idx" ON "OutboundEmail"("status");
