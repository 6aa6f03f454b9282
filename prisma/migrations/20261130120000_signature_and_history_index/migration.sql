-- Each user's signature, put into replies by the account's body template as {{agent.signature}} (empty: none).
ALTER TABLE "User" ADD COLUMN "signature" TEXT NOT NULL DEFAULT '';

-- The customer's history beside a thread looks up their interactions by address, whatever its case: an index on the
-- lowered address answers it without reading every interaction (Prisma cannot declare an expression index; the
-- schema names it in the model's documentation for the drift check).
CREATE INDEX "Interaction_customerEmail_lower_idx" ON "Interaction"(lower("customerEmail"));
