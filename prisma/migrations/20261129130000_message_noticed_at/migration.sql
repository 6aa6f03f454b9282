-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "noticedAt" TIMESTAMP(3);
