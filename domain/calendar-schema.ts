/**
 * A business-hours calendar's shape (domain/calendar.ts computes with it). Kept apart from the arithmetic so that
 * workflow code, which imports the calendar's functions, does not bundle zod.
 */
import { z } from 'zod';
import { minutesOf, WEEKDAYS, type BusinessCalendar, type Weekday } from './calendar';
import { nonBlank, timeZone } from './fields';

const hhmm = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be HH:MM (00:00 to 24:00)');

export const openIntervalSchema = z
  .object({ from: hhmm, to: hhmm })
  .strict()
  .refine((interval) => minutesOf(interval.to) > minutesOf(interval.from), { message: 'must end after it starts', path: ['to'] });

const dayHours = z.array(openIntervalSchema).max(24).default([]);

export const weeklyHoursSchema = z
  .object(Object.fromEntries(WEEKDAYS.map((day) => [day, dayHours])) as Record<Weekday, typeof dayHours>)
  .strict();

const isoDate = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be YYYY-MM-DD')
  .refine((date) => {
    const parsed = Date.parse(`${date}T00:00:00Z`);
    return !Number.isNaN(parsed) && new Date(parsed).toISOString().startsWith(date);
  }, 'must be a date of the calendar');

export const holidaySchema = z
  .object({
    date: isoDate,
    name: z.string().trim().max(100).optional(),
    yearly: z.boolean().default(false),
    hours: z.array(openIntervalSchema).max(24).default([]),
  })
  .strict();

/** What a calendar computes with: its zone, weekly hours and holidays. */
export const calendarRulesSchema = z
  .object({
    timeZone: timeZone(),
    hours: weeklyHoursSchema,
    holidays: z.array(holidaySchema).max(1000).default([]),
  })
  .strict()
  .refine((calendar) => WEEKDAYS.some((day) => calendar.hours[day].length > 0), {
    message: 'must be open at least once a week',
    path: ['hours'],
  });

/** A calendar as an account keeps it: a name and its rules. */
export const calendarFields = {
  name: nonBlank(100),
  timeZone: timeZone(),
  hours: weeklyHoursSchema,
  holidays: z.array(holidaySchema).max(1000).default([]),
};

export type CalendarRules = z.output<typeof calendarRulesSchema> & BusinessCalendar;
