-- AlterTable
ALTER TABLE "Queue" ADD COLUMN     "notRespondingPauseStatusId" INTEGER;
