/** Small shared pieces: error text, async loading, dates, byte sizes. */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { describeError } from './api';

export function ErrorText({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {describeError(error)}
    </p>
  );
}

export function Notice({ children }: { children: ComponentChildren }) {
  return (
    <p class="notice" role="status">
      {children}
    </p>
  );
}

/** Loads with `load` when `key` changes; `reload()` loads again. */
export function useLoad<T>(load: () => Promise<T>, key: unknown[]): { data: T | undefined; error: unknown; reload: () => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    load().then(
      (value) => {
        if (current) {
          setData(value);
          setError(null);
        }
      },
      (failure: unknown) => current && setError(failure),
    );
    return () => {
      current = false;
    };
  }, [...key, generation]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { data, error, reload };
}

/**
 * For loads whose calls overlap (live events come in bursts): `latest(load, apply)` applies a call's answer only if
 * no later call has started since. An older answer arriving late would otherwise put back what a newer one replaced.
 */
export function useLatest(): <T>(load: () => Promise<T>, apply: (value: T) => void) => Promise<void> {
  const started = useRef(0);
  return useCallback(async <T,>(load: () => Promise<T>, apply: (value: T) => void) => {
    const call = ++started.current;
    const value = await load();
    if (call === started.current) apply(value);
  }, []);
}

/** An absolute date and time in the user's locale ("2 Dec 2026, 09:30"), for titles beside relative times. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '';
  return new Date(value).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

const RELATIVE_STEPS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 4.35],
  ['month', 12],
  ['year', Infinity],
];

/** "3 min ago", "yesterday", "in 2 hours" in the user's locale. */
export function relativeTime(value: string | number, now: number = Date.now()): string {
  let amount = ((typeof value === 'number' ? value : Date.parse(value)) - now) / 1000;
  if (Math.abs(amount) < 45) return new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }).format(0, 'second');
  for (const [unit, size] of RELATIVE_STEPS) {
    if (Math.abs(amount) < size)
      return new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' }).format(Math.round(amount), unit);
    amount /= size;
  }
  return '';
}

/** How long since `since`, shortly: "45 s", "3 min", "2 h 5 min", "3 d". */
export function formatWaiting(since: string | number, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.floor((now - (typeof since === 'number' ? since : Date.parse(since))) / 1000));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
  return `${Math.floor(seconds / 86_400)} d`;
}

/** The current time, renewed every `everyMs`: for what ticks on screen (waiting times, countdowns). */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** A relative time that stays true as time passes, with the absolute one in its title. */
export function RelativeTime({ value }: { value: string }) {
  const now = useNow(30_000);
  return (
    <time dateTime={value} title={formatDate(value)}>
      {relativeTime(value, now)}
    </time>
  );
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} kB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

/** Arrow keys (and Home/End) move the focus between the tabs of a tablist; Enter or Space selects, as buttons do. */
export function onTabListKeyDown(event: KeyboardEvent): void {
  const tabs = Array.from((event.currentTarget as HTMLElement).querySelectorAll<HTMLElement>('[role="tab"]'));
  const index = tabs.indexOf(document.activeElement as HTMLElement);
  if (index < 0) return;
  const target =
    event.key === 'ArrowDown' || event.key === 'ArrowRight'
      ? tabs[(index + 1) % tabs.length]
      : event.key === 'ArrowUp' || event.key === 'ArrowLeft'
        ? tabs[(index - 1 + tabs.length) % tabs.length]
        : event.key === 'Home'
          ? tabs[0]
          : event.key === 'End'
            ? tabs[tabs.length - 1]
            : undefined;
  if (!target) return;
  event.preventDefault();
  target.focus();
}
