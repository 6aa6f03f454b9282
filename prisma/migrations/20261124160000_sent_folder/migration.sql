-- AlterTable
ALTER TABLE "EmailAccount" ADD COLUMN     "sentMailbox" TEXT;

-- AlterTable
ALTER TABLE "OutboundEmail" ADD COLUMN     "sentFolder" TEXT,
ADD COLUMN     "sentFolderAt" TIMESTAMP(3);
