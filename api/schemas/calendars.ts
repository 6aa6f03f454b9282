/** Business-hours calendars over HTTP (the rules they hold: domain/calendar-schema.ts). */
import { z } from 'zod';
import { calendarFields, holidaySchema, openIntervalSchema } from '../../domain/calendar-schema';
import { WEEKDAYS, type Weekday } from '../../domain/calendar';
import { patchOf } from './patch';

const openOnceAWeek = (hours: Record<string, unknown[]> | undefined) =>
  hours === undefined || WEEKDAYS.some((day) => (hours[day]?.length ?? 0) > 0);
const weekly = { message: 'must be open at least once a week', path: ['hours'] };

export const calendarCreateSchema = z
  .object(calendarFields)
  .strict()
  .refine((calendar) => openOnceAWeek(calendar.hours), weekly)
  .meta({ id: 'CalendarCreate' });

export const calendarUpdateSchema = patchOf(calendarFields)
  .refine((calendar) => openOnceAWeek(calendar.hours), weekly)
  .meta({ id: 'CalendarUpdate' });

const interval = openIntervalSchema.meta({ id: 'OpenInterval' });
export const calendarSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    timeZone: z.string(),
    hours: z.object(Object.fromEntries(WEEKDAYS.map((day) => [day, z.array(interval)])) as Record<Weekday, z.ZodArray<typeof interval>>),
    holidays: z.array(holidaySchema),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Calendar' });
export type Calendar = z.output<typeof calendarSchema>;
