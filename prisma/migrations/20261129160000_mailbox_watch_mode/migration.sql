-- How the mailbox watcher learns of new mail while connected: 'idle' (the server pushes) or 'polling'.
ALTER TABLE "MailboxState" ADD COLUMN "watchMode" TEXT;
