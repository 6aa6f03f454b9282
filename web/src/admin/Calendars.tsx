/**
 * Admin: an account's business-hours calendars (name, time zone, hours per weekday, holidays), named by the action
 * plan's working-time steps. Hours are typed as HH:MM so that a day may close at 24:00.
 */
import { useState } from 'preact/hooks';
import { del, get, patch, post } from '../api';
import type { Calendar } from '../types';
import { ErrorText, useLoad } from '../ui';
import { SaveForm } from './forms';

type Weekday = keyof Calendar['hours'];
type Interval = Calendar['hours'][Weekday][number];
type Holiday = Calendar['holidays'][number];
interface Draft {
  id?: number;
  name: string;
  timeZone: string;
  hours: Calendar['hours'];
  holidays: Holiday[];
}

/** The week as people read it, Monday first. */
const DAYS: Array<[Weekday, string]> = [
  ['mon', 'Monday'],
  ['tue', 'Tuesday'],
  ['wed', 'Wednesday'],
  ['thu', 'Thursday'],
  ['fri', 'Friday'],
  ['sat', 'Saturday'],
  ['sun', 'Sunday'],
];
const OFFICE: Interval[] = [{ from: '09:00', to: '18:00' }];
const HHMM = '([01][0-9]|2[0-3]):[0-5][0-9]|24:00';

function newDraft(): Draft {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return {
    name: '',
    timeZone: zone,
    hours: { mon: OFFICE, tue: OFFICE, wed: OFFICE, thu: OFFICE, fri: OFFICE, sat: [], sun: [] },
    holidays: [],
  };
}

/** "09:00-13:00, 14:00-18:00" to intervals and back: a holiday's hours in one field. */
function parseHours(text: string): Interval[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [from = '', to = ''] = part.split(/\s*[-–]\s*/);
      return { from, to };
    });
}
const formatHours = (intervals: Interval[]) => intervals.map(({ from, to }) => `${from}–${to}`).join(', ');

function TimeField({ label, value, onInput }: { label: string; value: string; onInput: (value: string) => void }) {
  return (
    <input
      class="time"
      type="text"
      inputMode="numeric"
      pattern={HHMM}
      placeholder="HH:MM"
      size={5}
      aria-label={label}
      value={value}
      onInput={(event) => onInput(event.currentTarget.value)}
    />
  );
}

function WeekEditor({ hours, onChange }: { hours: Calendar['hours']; onChange: (hours: Calendar['hours']) => void }) {
  const setDay = (day: Weekday, intervals: Interval[]) => onChange({ ...hours, [day]: intervals });
  return (
    <fieldset class="calendar-week">
      <legend>Weekly hours</legend>
      {DAYS.map(([day, dayName]) => (
        <div key={day} class="calendar-day" role="group" aria-label={dayName}>
          <span class="calendar-day-name">{dayName}</span>
          {hours[day].length === 0 && <span class="muted">Closed</span>}
          {hours[day].map((interval, index) => {
            const which = hours[day].length > 1 ? ` (${index + 1})` : '';
            const update = (change: Partial<Interval>) =>
              setDay(
                day,
                hours[day].map((item, at) => (at === index ? { ...item, ...change } : item)),
              );
            return (
              <span key={index} class="calendar-interval">
                <TimeField label={`${dayName} opens${which}`} value={interval.from} onInput={(from) => update({ from })} />
                {' – '}
                <TimeField label={`${dayName} closes${which}`} value={interval.to} onInput={(to) => update({ to })} />
                <button
                  type="button"
                  class="small"
                  aria-label={`Remove ${dayName} hours ${interval.from}–${interval.to}`}
                  onClick={() =>
                    setDay(
                      day,
                      hours[day].filter((_, at) => at !== index),
                    )
                  }
                >
                  Remove
                </button>
              </span>
            );
          })}
          <button
            type="button"
            class="small"
            aria-label={`Add hours on ${dayName}`}
            onClick={() => setDay(day, [...hours[day], { from: '09:00', to: '18:00' }])}
          >
            Add hours
          </button>
          <button
            type="button"
            class="small"
            aria-label={`Open ${dayName} 24 hours`}
            onClick={() => setDay(day, [{ from: '00:00', to: '24:00' }])}
          >
            24 hours
          </button>
        </div>
      ))}
    </fieldset>
  );
}

function HolidaysEditor({ holidays, onChange }: { holidays: Holiday[]; onChange: (holidays: Holiday[]) => void }) {
  const update = (index: number, change: Partial<Holiday>) =>
    onChange(holidays.map((item, at) => (at === index ? { ...item, ...change } : item)));
  return (
    <fieldset class="calendar-holidays">
      <legend>Holidays</legend>
      {holidays.length === 0 && <p class="muted">No holidays.</p>}
      {holidays.map((holiday, index) => {
        const which = `Holiday ${index + 1}`;
        return (
          <div key={index} class="calendar-holiday" role="group" aria-label={which}>
            <input
              type="date"
              aria-label={`${which} date`}
              value={holiday.date}
              required
              onInput={(event) => update(index, { date: event.currentTarget.value })}
            />
            <input
              type="text"
              aria-label={`${which} name`}
              placeholder="Name"
              value={holiday.name ?? ''}
              onInput={(event) => update(index, { name: event.currentTarget.value })}
            />
            <label class="inline">
              <input
                type="checkbox"
                checked={holiday.yearly}
                onChange={(event) => update(index, { yearly: event.currentTarget.checked })}
              />
              Every year
            </label>
            <input
              type="text"
              aria-label={`${which} open hours (empty: closed all day)`}
              placeholder="Closed all day, or 09:00–13:00"
              value={formatHours(holiday.hours)}
              onChange={(event) => update(index, { hours: parseHours(event.currentTarget.value) })}
            />
            <button
              type="button"
              class="small"
              aria-label={`Remove ${which}`}
              onClick={() => onChange(holidays.filter((_, at) => at !== index))}
            >
              Remove
            </button>
          </div>
        );
      })}
      <button type="button" class="small" onClick={() => onChange([...holidays, { date: '', yearly: false, hours: [] }])}>
        Add a holiday
      </button>
    </fieldset>
  );
}

function CalendarForm({ accountId, initial, onSaved }: { accountId: number; initial: Draft; onSaved: (calendar: Calendar) => void }) {
  const [draft, setDraft] = useState(initial);
  const [savedName, setSavedName] = useState(initial.name);
  const zones = Intl.supportedValuesOf?.('timeZone') ?? [];
  const title = draft.id ? `Calendar ${savedName}` : 'New calendar';
  return (
    <SaveForm
      class="calendar-form"
      label={title}
      submitLabel="Save calendar"
      onSave={async () => {
        const body = { name: draft.name, timeZone: draft.timeZone, hours: draft.hours, holidays: draft.holidays };
        const saved = draft.id
          ? await patch<Calendar>(`/accounts/${accountId}/calendars/${draft.id}`, body)
          : await post<Calendar>(`/accounts/${accountId}/calendars`, body);
        setDraft({ ...draft, id: saved.id });
        setSavedName(saved.name);
        onSaved(saved);
      }}
    >
      <h4>{title}</h4>
      <div class="two-columns">
        <label>
          Name
          <input
            type="text"
            value={draft.name}
            required
            maxLength={100}
            onInput={(event) => setDraft({ ...draft, name: event.currentTarget.value })}
          />
        </label>
        <label>
          Time zone
          <input
            type="text"
            list={`calendar-zones-${accountId}`}
            value={draft.timeZone}
            required
            onInput={(event) => setDraft({ ...draft, timeZone: event.currentTarget.value })}
          />
        </label>
        <datalist id={`calendar-zones-${accountId}`}>
          {zones.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
      </div>
      <WeekEditor hours={draft.hours} onChange={(hours) => setDraft({ ...draft, hours })} />
      <HolidaysEditor holidays={draft.holidays} onChange={(holidays) => setDraft({ ...draft, holidays })} />
    </SaveForm>
  );
}

/** The calendars of one account, in its admin page. */
export function Calendars({ accountId }: { accountId: number }) {
  const list = useLoad(() => get<{ items: Calendar[] }>(`/accounts/${accountId}/calendars?limit=100`), [accountId]);
  const [editing, setEditing] = useState<Draft | null>(null);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const open = (draft: Draft) => {
    setEditing(draft);
    setVersion(version + 1);
  };
  return (
    <section class="calendars" aria-labelledby={`calendars-${accountId}`}>
      <h3 id={`calendars-${accountId}`}>Business-hours calendars</h3>
      <p class="muted">Action plan steps “Go to if (working time)” can name one of these instead of their own schedule.</p>
      {list.data && list.data.items.length === 0 && <p class="muted">No calendars yet.</p>}
      <ul class="calendar-list">
        {list.data?.items.map((calendar) => (
          <li key={calendar.id}>
            <span>
              {calendar.name} <span class="muted">({calendar.timeZone})</span>
            </span>
            <button type="button" class="small" aria-label={`Edit calendar ${calendar.name}`} onClick={() => open({ ...calendar })}>
              Edit
            </button>
            <button
              type="button"
              class="small danger"
              aria-label={`Delete calendar ${calendar.name}`}
              onClick={async () => {
                if (!confirm(`Delete the calendar ${calendar.name}?`)) return;
                try {
                  await del(`/accounts/${accountId}/calendars/${calendar.id}`);
                  setError(null);
                  if (editing?.id === calendar.id) setEditing(null);
                  list.reload();
                } catch (failure) {
                  setError(failure);
                }
              }}
            >
              Delete
            </button>
          </li>
        ))}
      </ul>
      <ErrorText error={error ?? list.error} />
      <button type="button" onClick={() => open(newDraft())}>
        New calendar
      </button>
      {editing && <CalendarForm key={version} accountId={accountId} initial={editing} onSaved={() => list.reload()} />}
    </section>
  );
}
