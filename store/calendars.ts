/** An account's business-hours calendars: names unique per account, hours and holidays kept as JSON. */
import { WEEKDAYS, type BusinessCalendar } from '../domain/calendar';
import type { Database } from './db';
import type { PageWindow } from './paging';

export interface CalendarRow extends BusinessCalendar {
  id: number;
  accountId: number;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

export type CalendarInput = Pick<CalendarRow, 'name' | 'timeZone' | 'hours' | 'holidays'>;

function toRow(row: {
  id: number;
  accountId: number;
  name: string;
  timeZone: string;
  hours: unknown;
  holidays: unknown;
  createdAt: Date;
  updatedAt: Date;
}): CalendarRow {
  const hours = (row.hours ?? {}) as Partial<CalendarRow['hours']>;
  // Every weekday present, closed when a row written elsewhere left it out.
  return {
    ...row,
    hours: Object.fromEntries(WEEKDAYS.map((day) => [day, hours[day] ?? []])) as CalendarRow['hours'],
    holidays: (row.holidays ?? []) as CalendarRow['holidays'],
  };
}

export function createCalendarStore(db: Database) {
  return {
    /** The calendar, when it is one of this account's. */
    async find(accountId: number, id: number): Promise<CalendarRow | null> {
      const row = await db.businessCalendar.findFirst({ where: { id, accountId } });
      return row && toRow(row);
    },

    async findByName(accountId: number, name: string): Promise<CalendarRow | null> {
      const row = await db.businessCalendar.findUnique({ where: { accountId_name: { accountId, name } } });
      return row && toRow(row);
    },

    async list(accountId: number, window: PageWindow): Promise<CalendarRow[]> {
      return (await db.businessCalendar.findMany({ where: { accountId }, ...window })).map(toRow);
    },

    async create(accountId: number, input: CalendarInput): Promise<CalendarRow> {
      return toRow(
        await db.businessCalendar.create({
          data: { accountId, ...input, hours: input.hours as object, holidays: input.holidays as object[] },
        }),
      );
    },

    async update(id: number, changes: Partial<CalendarInput>): Promise<CalendarRow> {
      const { hours, holidays, ...rest } = changes;
      return toRow(
        await db.businessCalendar.update({
          where: { id },
          data: { ...rest, ...(hours ? { hours: hours as object } : {}), ...(holidays ? { holidays: holidays as object[] } : {}) },
        }),
      );
    },

    async delete(id: number): Promise<void> {
      await db.businessCalendar.delete({ where: { id } });
    },
  };
}

export type CalendarStore = ReturnType<typeof createCalendarStore>;
