/**
 * Business-time arithmetic (domain/calendar.ts): properties over random calendars in zones with DST, half-hour and
 * 45-minute offsets, then known examples across the 2026 DST changes, holidays and odd offsets.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { isStepWorkingTime, validateActionPlan } from '../../domain/action-plan';
import {
  addBusinessSeconds,
  businessSecondsBetween,
  isOpen,
  nextOpening,
  WEEKDAYS,
  type BusinessCalendar,
  type OpenInterval,
} from '../../domain/calendar';
import { calendarRulesSchema } from '../../domain/calendar-schema';
import { answers } from './calendar-answers';

const ZONES = [
  'Europe/Rome',
  'America/New_York',
  'Australia/Sydney',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Lord_Howe', // a 30-minute DST shift
  'America/St_Johns', // -03:30 with DST
  'Pacific/Chatham', // +12:45 with DST
  'America/Santiago', // clocks change at midnight: a day that starts at 01:00, an hour 23:00 that repeats
  'America/Havana', // the hour after midnight skipped or repeated
  'UTC',
];

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** 0–3 intervals a day, boundaries on any minute (some at 00:00 and 24:00, some inside DST changes). */
const dayHours = fc
  .array(
    fc
      .tuple(fc.integer({ min: 0, max: 1440 }), fc.integer({ min: 0, max: 1440 }))
      .filter(([a, b]) => a !== b)
      .map(([a, b]): OpenInterval => ({ from: hhmm(Math.min(a, b)), to: hhmm(Math.max(a, b)) })),
    { maxLength: 3 },
  )
  .map((intervals) => intervals);
const fullDay = fc.constant([{ from: '00:00', to: '24:00' }]);

const calendarArbitrary: fc.Arbitrary<BusinessCalendar> = fc
  .record({
    timeZone: fc.constantFrom(...ZONES),
    days: fc.array(fc.oneof({ weight: 4, arbitrary: dayHours }, { weight: 1, arbitrary: fullDay }), { minLength: 7, maxLength: 7 }),
    holidays: fc.array(
      fc.record({
        date: fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true }),
        yearly: fc.boolean(),
        hours: fc.oneof(fc.constant<OpenInterval[]>([]), dayHours),
      }),
      { maxLength: 4 },
    ),
  })
  .filter(({ days }) => days.some((hours) => hours.length > 0))
  .map(({ timeZone, days, holidays }) => ({
    timeZone,
    hours: Object.fromEntries(WEEKDAYS.map((day, index) => [day, days[index]!])) as BusinessCalendar['hours'],
    holidays: holidays.map((holiday) => ({ ...holiday, date: holiday.date.toISOString().slice(0, 10) })),
  }));

const instantArbitrary = fc
  .integer({ min: Date.UTC(2025, 0, 1) / 1000, max: Date.UTC(2027, 0, 1) / 1000 })
  .map((seconds) => new Date(seconds * 1000));
const businessSeconds = fc.integer({ min: 1, max: 40 * 3600 });
const runs = { numRuns: 150 };

describe('business-time properties', () => {
  it('random calendars are calendars the API accepts', () => {
    fc.assert(
      fc.property(calendarArbitrary, (calendar) => calendarRulesSchema.safeParse(calendar).success),
      { numRuns: 50 },
    );
  });

  it('businessSecondsBetween(start, addBusinessSeconds(start, s)) is s', () => {
    fc.assert(
      fc.property(calendarArbitrary, instantArbitrary, businessSeconds, (calendar, start, seconds) => {
        expect(businessSecondsBetween(calendar, start, addBusinessSeconds(calendar, start, seconds))).toBe(seconds);
      }),
      runs,
    );
  });

  it('a deadline falls in open time or on the closing instant at which the last second ran out', () => {
    fc.assert(
      fc.property(calendarArbitrary, instantArbitrary, businessSeconds, (calendar, start, seconds) => {
        const deadline = addBusinessSeconds(calendar, start, seconds);
        expect(deadline.getTime()).toBeGreaterThan(start.getTime());
        expect(isOpen(calendar, deadline) || isOpen(calendar, new Date(deadline.getTime() - 1))).toBe(true);
      }),
      runs,
    );
  });

  it('more business seconds never give an earlier deadline', () => {
    fc.assert(
      fc.property(calendarArbitrary, instantArbitrary, businessSeconds, businessSeconds, (calendar, start, a, b) => {
        const [fewer, more] = a <= b ? [a, b] : [b, a];
        expect(addBusinessSeconds(calendar, start, fewer).getTime()).toBeLessThanOrEqual(
          addBusinessSeconds(calendar, start, more).getTime(),
        );
      }),
      runs,
    );
  });

  it('open time adds up over consecutive spans and is open exactly where isOpen says', () => {
    fc.assert(
      fc.property(calendarArbitrary, instantArbitrary, instantArbitrary, (calendar, x, y) => {
        const [a, c] = x <= y ? [x, y] : [y, x];
        const b = new Date(Math.floor((a.getTime() + c.getTime()) / 2000) * 1000);
        if (c.getTime() - a.getTime() > 60 * 86_400_000) return; // keep each run short
        expect(businessSecondsBetween(calendar, a, b) + businessSecondsBetween(calendar, b, c)).toBe(
          businessSecondsBetween(calendar, a, c),
        );
        expect(businessSecondsBetween(calendar, c, a) + businessSecondsBetween(calendar, a, c)).toBe(0);
        expect(businessSecondsBetween(calendar, a, new Date(a.getTime() + 1)) > 0).toBe(isOpen(calendar, a));
      }),
      runs,
    );
  });

  it('nextOpening is open, with no open time before it', () => {
    fc.assert(
      fc.property(calendarArbitrary, instantArbitrary, (calendar, start) => {
        const opening = nextOpening(calendar, start)!;
        expect(isOpen(calendar, opening)).toBe(true);
        expect(businessSecondsBetween(calendar, start, opening)).toBe(0);
      }),
      runs,
    );
  });

  it('gives the same answers whatever the machine time zone', () => {
    const samples = fc.sample(fc.tuple(calendarArbitrary, instantArbitrary), { numRuns: 40, seed: 17 });
    const input = JSON.stringify(samples.map(([calendar, start]) => [calendar, start.toISOString()]));
    const under = (tz: string) =>
      (
        JSON.parse(
          execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'calendar-answers.ts')], {
            input,
            env: { ...process.env, TZ: tz },
          }).toString(),
        ) as unknown[][]
      ).map(([offset, ...rest]) => ({ offset, answers: rest }));
    const east = under('Pacific/Kiritimati');
    const west = under('America/Adak');
    expect(east[0]!.offset).toBe(-840);
    expect(west[0]!.offset).toBe(540);
    expect(west.map((run) => run.answers)).toEqual(east.map((run) => run.answers));
    expect(samples.map(([calendar, start]) => answers(calendar, start).slice(1))).toEqual(east.map((run) => run.answers));
  });
});

const weekdays = (hours: OpenInterval[]): BusinessCalendar['hours'] => ({
  sun: [],
  mon: hours,
  tue: hours,
  wed: hours,
  thu: hours,
  fri: hours,
  sat: [],
});
const everyDay = (hours: OpenInterval[]): BusinessCalendar['hours'] => ({
  sun: hours,
  mon: hours,
  tue: hours,
  wed: hours,
  thu: hours,
  fri: hours,
  sat: hours,
});
const allDay = [{ from: '00:00', to: '24:00' }];
const at = (iso: string) => new Date(iso);
const hours = (value: number) => value * 3600;

describe('business time across the 2026 DST changes', () => {
  it('Europe/Rome: the spring-forward day has 23 open hours, the fall-back day 25', () => {
    const rome: BusinessCalendar = { timeZone: 'Europe/Rome', hours: everyDay(allDay), holidays: [] };
    expect(businessSecondsBetween(rome, at('2026-03-28T23:00:00Z'), at('2026-03-29T22:00:00Z'))).toBe(hours(23));
    expect(businessSecondsBetween(rome, at('2026-10-24T22:00:00Z'), at('2026-10-25T23:00:00Z'))).toBe(hours(25));
    // 24 business hours from midnight before the jump end at 01:00 the next day, wall clock.
    expect(addBusinessSeconds(rome, at('2026-03-28T23:00:00Z'), hours(24)).toISOString()).toBe('2026-03-29T23:00:00.000Z');
  });

  it('Europe/Rome: a time in the spring gap is the moment the clock jumps; a repeated time is its first pass', () => {
    const sundays = (interval: OpenInterval): BusinessCalendar => ({
      timeZone: 'Europe/Rome',
      hours: { ...weekdays([]), sun: [interval] },
      holidays: [],
    });
    // 01:00–02:30 on 29 March: 01:00 CET (00:00Z) to 03:00 CEST (01:00Z), one hour.
    const spring = sundays({ from: '01:00', to: '02:30' });
    expect(businessSecondsBetween(spring, at('2026-03-28T12:00:00Z'), at('2026-03-30T00:00:00Z'))).toBe(hours(1));
    expect(isOpen(spring, at('2026-03-29T00:59:59Z'))).toBe(true);
    expect(isOpen(spring, at('2026-03-29T01:00:00Z'))).toBe(false);
    // 02:00–02:30 on 25 October: the first pass only (02:00 CEST is 00:00Z), closed during the second.
    const autumn = sundays({ from: '02:00', to: '02:30' });
    expect(businessSecondsBetween(autumn, at('2026-10-24T12:00:00Z'), at('2026-10-26T00:00:00Z'))).toBe(hours(0.5));
    expect(isOpen(autumn, at('2026-10-25T00:15:00Z'))).toBe(true);
    expect(isOpen(autumn, at('2026-10-25T01:15:00Z'))).toBe(false); // 02:15 CET, the second pass
    // An interval that spans the repeated hour holds both passes: 01:00–04:00 is four hours.
    expect(businessSecondsBetween(sundays({ from: '01:00', to: '04:00' }), at('2026-10-24T12:00:00Z'), at('2026-10-26T00:00:00Z'))).toBe(
      hours(4),
    );
  });

  it('America/New_York: two business hours from Friday 16:00 EST end Monday 10:00 EDT, after the March change', () => {
    const office: BusinessCalendar = { timeZone: 'America/New_York', hours: weekdays([{ from: '09:00', to: '17:00' }]), holidays: [] };
    expect(addBusinessSeconds(office, at('2026-03-06T21:00:00Z'), hours(2)).toISOString()).toBe('2026-03-09T14:00:00.000Z');
    expect(addBusinessSeconds(office, at('2026-10-30T20:00:00Z'), hours(2)).toISOString()).toBe('2026-11-02T15:00:00.000Z');
    expect(nextOpening(office, at('2026-11-01T12:00:00Z'))!.toISOString()).toBe('2026-11-02T14:00:00.000Z');
    // A deadline on the last second of the day is the closing instant, not the next opening.
    expect(addBusinessSeconds(office, at('2026-03-06T20:00:00Z'), hours(2)).toISOString()).toBe('2026-03-06T22:00:00.000Z');
    expect(businessSecondsBetween(office, at('2026-03-06T00:00:00Z'), at('2026-03-10T00:00:00Z'))).toBe(hours(16));
  });

  it('Australia/Sydney: April has a 25-hour Sunday, October a 23-hour one', () => {
    const sydney: BusinessCalendar = { timeZone: 'Australia/Sydney', hours: everyDay(allDay), holidays: [] };
    // Midnight to midnight, local: 4 April 13:00Z (AEDT) to 5 April 14:00Z (AEST).
    expect(businessSecondsBetween(sydney, at('2026-04-04T13:00:00Z'), at('2026-04-05T14:00:00Z'))).toBe(hours(25));
    expect(businessSecondsBetween(sydney, at('2026-10-03T14:00:00Z'), at('2026-10-04T13:00:00Z'))).toBe(hours(23));
    const office: BusinessCalendar = { timeZone: 'Australia/Sydney', hours: weekdays([{ from: '09:00', to: '17:00' }]), holidays: [] };
    // Friday 3 April 16:00 AEDT + 2h: Monday 6 April 10:00 AEST.
    expect(addBusinessSeconds(office, at('2026-04-03T05:00:00Z'), hours(2)).toISOString()).toBe('2026-04-06T00:00:00.000Z');
  });
});

describe('holidays and odd offsets', () => {
  it('a holiday on a Sunday closes a calendar open every day', () => {
    const shop: BusinessCalendar = {
      timeZone: 'Europe/Rome',
      hours: everyDay([{ from: '10:00', to: '16:00' }]),
      holidays: [{ date: '2026-04-05', name: 'Easter', yearly: false, hours: [] }],
    };
    expect(isOpen(shop, at('2026-04-05T10:00:00Z'))).toBe(false);
    expect(isOpen(shop, at('2026-04-12T10:00:00Z'))).toBe(true);
    // Saturday 15:00 + 2h: one hour on Saturday, none on Easter Sunday, one on Monday.
    expect(addBusinessSeconds(shop, at('2026-04-04T13:00:00Z'), hours(2)).toISOString()).toBe('2026-04-06T09:00:00.000Z');
  });

  it('Christmas recurs every year, and Christmas Eve keeps its shorter hours', () => {
    const office: BusinessCalendar = {
      timeZone: 'Europe/Rome',
      hours: weekdays([{ from: '09:00', to: '18:00' }]),
      holidays: [
        { date: '2020-12-25', name: 'Christmas', yearly: true, hours: [] },
        { date: '2020-12-24', yearly: true, hours: [{ from: '09:00', to: '13:00' }] },
      ],
    };
    expect(isOpen(office, at('2026-12-25T10:00:00Z'))).toBe(false);
    expect(isOpen(office, at('2027-12-24T13:00:00Z'))).toBe(false); // 14:00 on Christmas Eve, a Friday
    expect(isOpen(office, at('2019-12-25T10:00:00Z'))).toBe(true); // before the holiday was first kept
    // Thursday 24 December 11:00 + 4h: 2h on the Eve, Christmas closed, then Monday 28 from 09:00.
    expect(addBusinessSeconds(office, at('2026-12-24T10:00:00Z'), hours(4)).toISOString()).toBe('2026-12-28T10:00:00.000Z');
  });

  it('Asia/Kolkata (+05:30) and Asia/Kathmandu (+05:45) open at 09:00 local', () => {
    const kolkata: BusinessCalendar = { timeZone: 'Asia/Kolkata', hours: weekdays([{ from: '09:00', to: '18:00' }]), holidays: [] };
    expect(isOpen(kolkata, at('2026-11-30T03:30:00Z'))).toBe(true);
    expect(isOpen(kolkata, at('2026-11-30T03:29:59Z'))).toBe(false);
    expect(nextOpening(kolkata, at('2026-11-28T00:00:00Z'))!.toISOString()).toBe('2026-11-30T03:30:00.000Z');
    const kathmandu: BusinessCalendar = { ...kolkata, timeZone: 'Asia/Kathmandu' };
    expect(nextOpening(kathmandu, at('2026-11-28T00:00:00Z'))!.toISOString()).toBe('2026-11-30T03:15:00.000Z');
    expect(addBusinessSeconds(kathmandu, at('2026-11-27T11:15:00Z'), hours(2)).toISOString()).toBe('2026-11-30T04:15:00.000Z');
  });

  it('zero business seconds is the start itself; a calendar that never opens has no deadline', () => {
    const office: BusinessCalendar = { timeZone: 'UTC', hours: weekdays([{ from: '09:00', to: '17:00' }]), holidays: [] };
    expect(addBusinessSeconds(office, at('2026-11-28T00:00:00Z'), 0).toISOString()).toBe('2026-11-28T00:00:00.000Z');
    const never: BusinessCalendar = { timeZone: 'UTC', hours: weekdays([]), holidays: [] };
    expect(nextOpening(never, at('2026-11-28T00:00:00Z'))).toBeNull();
    expect(() => addBusinessSeconds(never, at('2026-11-28T00:00:00Z'), 1)).toThrow(RangeError);
  });
});

describe('working-time steps with a calendar', () => {
  const calendar: BusinessCalendar = { timeZone: 'Asia/Kathmandu', hours: weekdays([{ from: '09:00', to: '18:00' }]), holidays: [] };

  it('read the calendar copied into the plan, or the inline schedule', () => {
    expect(isStepWorkingTime({ type: 'gotop', calendarId: 1, calendar, then: 'open' }, at('2026-11-30T03:15:00Z'))).toBe(true);
    expect(isStepWorkingTime({ type: 'gotop', calendarId: 1, calendar, then: 'open' }, at('2026-11-30T03:14:59Z'))).toBe(false);
    const schedule = { timezone: 'UTC', intervals: [{ days: [1], from: '09:00', to: '10:00' }], holidays: [] };
    expect(isStepWorkingTime({ type: 'gotop', schedule, then: 'open' }, at('2026-11-30T09:30:00Z'))).toBe(true);
  });

  it('name a schedule or a calendar, exactly one', () => {
    const schedule = { timezone: 'UTC', intervals: [], holidays: [] };
    expect(validateActionPlan([{ type: 'gotop', schedule, calendarId: 1, then: '1' }])[0]!.path).toBe('steps.0.calendarId');
    expect(validateActionPlan([{ type: 'gotop', then: '1', else: '1' }])[0]!.path).toBe('steps.0.calendarId');
    expect(validateActionPlan([{ type: 'gotop', calendarId: 1, then: '2' }, { type: 'noop' }])).toEqual([]);
  });
});
