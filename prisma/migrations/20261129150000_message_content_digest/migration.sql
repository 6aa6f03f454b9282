-- An inbound email with a Message-ID seen before is a duplicate only when its content digest matches as well.
ALTER TABLE "Message" ADD COLUMN "contentSha256" TEXT;
