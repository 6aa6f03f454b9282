-- The demo account `npm start` makes on an empty platform, wired to its local demo mailbox: shown with a badge.
ALTER TABLE "EmailAccount" ADD COLUMN "demo" BOOLEAN NOT NULL DEFAULT false;
