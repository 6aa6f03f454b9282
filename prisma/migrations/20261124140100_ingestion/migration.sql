-- AlterTable
ALTER TABLE "MailboxState" ADD COLUMN     "uidNext" BIGINT;

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "htmlSanitized" TEXT,
ADD COLUMN     "loopTags" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "redownloadModseq" BIGINT,
ADD COLUMN     "redownloadOfId" INTEGER;

-- CreateTable
CREATE TABLE "MailboxEvent" (
    "id" SERIAL NOT NULL,
    "accountId" INTEGER NOT NULL,
    "mailbox" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MailboxEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MailboxEvent_accountId_id_idx" ON "MailboxEvent"("accountId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Message_redownloadOfId_redownloadModseq_key" ON "Message"("redownloadOfId", "redownloadModseq");
