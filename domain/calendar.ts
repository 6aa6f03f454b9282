/**
 * Business-hours calendars and business-time arithmetic: pure and sandbox-safe (no Node built-ins, no clock, no zod),
 * so the routing workflow may use them on a calendar it received as data. Zone offsets come from Intl.DateTimeFormat.
 *
 * A calendar's hours are wall-clock times in its time zone. Each local day has its open intervals (the weekly hours,
 * or a holiday's hours on a holiday), turned into instants with two rules for days whose clock jumps:
 * - a wall-clock time that does not exist (02:30 on a spring-forward day) is the moment the clock jumps, the first
 *   instant after the gap: an interval 01:00–02:30 ends at 03:00 new time, an interval 02:00–03:00 is empty;
 * - a wall-clock time that happens twice (02:30 on a fall-back day) is its first occurrence: an interval that
 *   spans the repeated hour holds both passes of it, one that ends inside it ends at the first pass.
 * An instant is open when it falls in one of these intervals, start included, end excluded. Everything below
 * (isOpen, nextOpening, addBusinessSeconds, businessSecondsBetween) reads the same intervals, so they agree.
 */

/** 'HH:MM', 00:00 to 24:00 (24:00: the end of the day). */
export interface OpenInterval {
  from: string;
  to: string;
}

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface Holiday {
  /** YYYY-MM-DD in the calendar's zone. */
  date: string;
  name?: string;
  /** Every year on the same month and day from `date` on (29 February: leap years only). */
  yearly: boolean;
  /** The hours open that day instead of the weekly ones; none: closed all day. */
  hours: OpenInterval[];
}

export interface BusinessCalendar {
  timeZone: string;
  /** Per weekday, any number of open intervals; an empty list: closed that day. */
  hours: Record<Weekday, OpenInterval[]>;
  holidays: Holiday[];
}

const DAY_MS = 86_400_000;
/** A calendar closed this many days in a row is taken to never open again (a guard against endless searches). */
const MAX_CLOSED_DAYS = 800;

/** Minutes since midnight of 'HH:MM'. */
export function minutesOf(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
      era: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's offset from UTC at `instant`, in milliseconds (local wall clock minus UTC). */
export function zoneOffset(timeZone: string, instant: number): number {
  const whole = Math.floor(instant / 1000) * 1000;
  const fields: Record<string, number> = {};
  let bc = false;
  for (const part of formatterFor(timeZone).formatToParts(whole)) {
    if (part.type === 'era') bc = part.value.startsWith('B');
    else if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const year = bc ? 1 - fields.year! : fields.year!;
  const local = Date.UTC(year, fields.month! - 1, fields.day!, fields.hour! % 24, fields.minute!, fields.second!);
  // Date.UTC maps years 0–99 to 1900–1999.
  const fixed = year >= 0 && year < 100 ? new Date(local).setUTCFullYear(year) : local;
  return fixed - whole;
}

/** The local day (days since 1970-01-01 on the zone's calendar) that `instant` falls on. */
function localDay(timeZone: string, instant: number): number {
  return Math.floor((instant + zoneOffset(timeZone, instant)) / DAY_MS);
}

/**
 * The instant at which the zone's wall clock reads `wall` (a wall-clock time written as if it were UTC, in ms),
 * by the module's rules: a time in a gap is the end of the gap, a repeated time its first occurrence.
 */
export function wallToInstant(timeZone: string, wall: number): number {
  const before = zoneOffset(timeZone, wall - DAY_MS);
  const after = zoneOffset(timeZone, wall + DAY_MS);
  const candidates = [wall - before, wall - after].filter((instant) => zoneOffset(timeZone, instant) === wall - instant);
  if (candidates.length > 0) return Math.min(...candidates);
  // In the gap: the first instant on the new offset lies between the two readings.
  let low = Math.floor((wall - after) / 1000);
  let high = Math.ceil((wall - before) / 1000);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (zoneOffset(timeZone, middle * 1000) === after) high = middle;
    else low = middle;
  }
  return high * 1000;
}

function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The holiday that applies on a local day: one on that exact date first, then a yearly one. */
export function holidayOn(calendar: BusinessCalendar, date: string): Holiday | undefined {
  return (
    calendar.holidays.find((holiday) => holiday.date === date) ??
    calendar.holidays.find((holiday) => holiday.yearly && holiday.date.slice(4) === date.slice(4) && holiday.date <= date)
  );
}

/** The open intervals of one local day, in minutes since its midnight, sorted and merged. */
export function dayMinutes(calendar: BusinessCalendar, date: string, weekday: number): Array<[number, number]> {
  const holiday = holidayOn(calendar, date);
  const intervals = ((holiday ? holiday.hours : calendar.hours[WEEKDAYS[weekday]!]) ?? [])
    .map(({ from, to }): [number, number] => [minutesOf(from), minutesOf(to)])
    .filter(([from, to]) => to > from)
    .sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const interval of intervals) {
    const last = merged[merged.length - 1];
    if (last && interval[0] <= last[1]) last[1] = Math.max(last[1], interval[1]);
    else merged.push([...interval]);
  }
  return merged;
}

/** The open intervals of one local day as instants [start, end), empty ones (swallowed by a DST gap) left out. */
function dayIntervals(calendar: BusinessCalendar, day: number): Array<[number, number]> {
  const weekday = (((day + 4) % 7) + 7) % 7;
  return dayMinutes(calendar, isoDate(day), weekday)
    .map(([from, to]): [number, number] => [
      wallToInstant(calendar.timeZone, day * DAY_MS + from * 60_000),
      wallToInstant(calendar.timeZone, day * DAY_MS + to * 60_000),
    ])
    .filter(([start, end]) => end > start);
}

/**
 * Open intervals that end after `from`, in order; one day's never overlap the next day's (the wall-clock rules above
 * never move a later wall time before an earlier one). Ends when the calendar stays closed MAX_CLOSED_DAYS days.
 */
function* openIntervalsAfter(calendar: BusinessCalendar, from: number): Generator<[number, number]> {
  // A day's intervals may reach past the next day's midnight (a repeated hour at midnight): start a day early.
  let day = localDay(calendar.timeZone, from) - 1;
  for (let closedDays = 0; closedDays < MAX_CLOSED_DAYS; day += 1) {
    const intervals = dayIntervals(calendar, day).filter(([, end]) => end > from);
    closedDays = intervals.length === 0 ? closedDays + 1 : 0;
    yield* intervals;
  }
}

/** Whether the calendar is open at `instant`. */
export function isOpen(calendar: BusinessCalendar, instant: Date): boolean {
  const at = instant.getTime();
  const day = localDay(calendar.timeZone, at);
  for (const candidate of [day - 1, day, day + 1])
    if (dayIntervals(calendar, candidate).some(([start, end]) => at >= start && at < end)) return true;
  return false;
}

/** The first open instant at or after `instant` (`instant` itself when open), or null when the calendar never opens. */
export function nextOpening(calendar: BusinessCalendar, instant: Date): Date | null {
  const at = instant.getTime();
  for (const [start] of openIntervalsAfter(calendar, at)) return new Date(Math.max(start, at));
  return null;
}

/**
 * The instant at which `seconds` of open time have passed since `start`: the deadline of "N business hours from now".
 * For seconds > 0 it is open time or the closing instant at which the last second ran out (never the next opening);
 * 0 seconds is `start` itself. Throws a RangeError when the calendar never opens again.
 */
export function addBusinessSeconds(calendar: BusinessCalendar, start: Date, seconds: number): Date {
  const from = start.getTime();
  let remaining = Math.round(seconds * 1000);
  if (remaining < 0) throw new RangeError('seconds must not be negative');
  if (remaining === 0) return new Date(from);
  for (const [intervalStart, intervalEnd] of openIntervalsAfter(calendar, from)) {
    const begin = Math.max(intervalStart, from);
    if (remaining <= intervalEnd - begin) return new Date(begin + remaining);
    remaining -= intervalEnd - begin;
  }
  throw new RangeError('the calendar never opens again');
}

/** Open time between `a` and `b` in seconds (negative when b is before a). */
export function businessSecondsBetween(calendar: BusinessCalendar, a: Date, b: Date): number {
  const from = a.getTime();
  const to = b.getTime();
  if (to < from) return -businessSecondsBetween(calendar, b, a);
  let total = 0;
  for (const [start, end] of openIntervalsAfter(calendar, from)) {
    if (start >= to) break;
    total += Math.min(end, to) - Math.max(start, from);
  }
  return total / 1000;
}
