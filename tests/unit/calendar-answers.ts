/** Reads [calendar, ISO instant] pairs on stdin, prints what domain/calendar.ts answers for each (run under some TZ). */
import { readFileSync } from 'node:fs';
import { addBusinessSeconds, businessSecondsBetween, isOpen, nextOpening, type BusinessCalendar } from '../../domain/calendar';

export function answers(calendar: BusinessCalendar, start: Date): unknown[] {
  return [
    new Date(2026, 6, 1).getTimezoneOffset(),
    addBusinessSeconds(calendar, start, 3 * 3600).toISOString(),
    nextOpening(calendar, start)?.toISOString(),
    isOpen(calendar, start),
    businessSecondsBetween(calendar, start, new Date(start.getTime() + 9 * 86_400_000)),
  ];
}

if (process.argv[1]?.endsWith('calendar-answers.ts')) {
  const samples = JSON.parse(readFileSync(0, 'utf8')) as Array<[BusinessCalendar, string]>;
  process.stdout.write(JSON.stringify(samples.map(([calendar, start]) => answers(calendar, new Date(start)))));
}
