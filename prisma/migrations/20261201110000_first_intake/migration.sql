-- Where an account's first activation on a mailbox starts: 'unread' (the seed's empty header filter: SEARCH UNSEEN),
-- 'from-now' (only emails arriving later) or 'since' a day (YYYY-MM-DD, read or not). Accounts already watching
-- have their checkpoint and are not affected.
ALTER TABLE "EmailAccount" ADD COLUMN "firstIntake" TEXT NOT NULL DEFAULT 'unread',
ADD COLUMN "firstIntakeSince" TEXT;

-- The mailbox's last UID at its first activation: UIDs up to it are taken only as the first intake chooses.
ALTER TABLE "MailboxState" ADD COLUMN "intakeUntilUid" BIGINT;
