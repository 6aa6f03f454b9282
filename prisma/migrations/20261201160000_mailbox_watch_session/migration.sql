-- When the watch that last wrote a mailbox's state started: a watch superseded by a newer one (a retried activity,
-- another worker) cannot mark the mailbox disconnected under it.
ALTER TABLE "MailboxState" ADD COLUMN "watchStartedAt" TIMESTAMP(3);
