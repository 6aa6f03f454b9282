-- Business-hours calendars per account: weekly hours and holidays in an IANA time zone.
CREATE TABLE "BusinessCalendar" (
    "id" SERIAL NOT NULL,
    "accountId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL,
    "hours" JSONB NOT NULL,
    "holidays" JSONB NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BusinessCalendar_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "BusinessCalendar_accountId_name_key" ON "BusinessCalendar"("accountId", "name");

ALTER TABLE "BusinessCalendar" ADD CONSTRAINT "BusinessCalendar_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "EmailAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;
