-- The Bcc recipients of an email an agent sent: delivered and never written into the message, so the thread keeps
-- them here (empty for every other message).
ALTER TABLE "Message" ADD COLUMN "bccAddresses" JSONB NOT NULL DEFAULT '[]';
