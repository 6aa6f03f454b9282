/**
 * A working-time step that names a business-hours calendar, on the real Temporal dev server: the routing workflow
 * reads the calendar copied into the plan version (no calendar row exists here) and jumps by it.
 */
import type { BusinessCalendar, OpenInterval } from '../../domain/calendar';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { createScenario, routeNewEmail } from './routing-scenario';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => {
  await platform?.close();
});

const allDay = [{ from: '00:00', to: '24:00' }];
const week = (hours: (day: number) => OpenInterval[]): BusinessCalendar['hours'] => ({
  sun: hours(0),
  mon: hours(1),
  tue: hours(2),
  wed: hours(3),
  thu: hours(4),
  fri: hours(5),
  sat: hours(6),
});

async function tagsAfterRouting(calendar: BusinessCalendar): Promise<string[]> {
  const scenario = await createScenario(platform, {
    plan: () => [
      { type: 'gotop', calendarId: 2147483647, calendar, then: 'in-hours' },
      { type: 'tag', tags: ['out-of-hours'] },
      { type: 'noop', label: 'in-hours' },
    ],
  });
  const routed = await routeNewEmail(platform, scenario);
  await routed.unassigned();
  return (await platform.db.interaction.findUniqueOrThrow({ where: { id: routed.interactionId } })).tags;
}

describe('working-time step with a calendar', () => {
  it('jumps to its target while the calendar is open, and falls through while it is closed', async () => {
    const open: BusinessCalendar = { timeZone: 'Asia/Kathmandu', hours: week(() => allDay), holidays: [] };
    // Open only three days from today (in Kathmandu, by whole days): closed now, whatever the hour.
    const today = new Date(Date.now() + (5 * 60 + 45) * 60_000).getUTCDay();
    const closed: BusinessCalendar = { ...open, hours: week((day) => (day === (today + 3) % 7 ? allDay : [])) };
    const [whenOpen, whenClosed] = await Promise.all([tagsAfterRouting(open), tagsAfterRouting(closed)]);
    expect(whenOpen).toEqual([]);
    expect(whenClosed).toEqual(['out-of-hours']);
  });
});
