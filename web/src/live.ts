/**
 * Live events from GET /api/events. EventSource cannot send the bearer token, so the stream is read
 * with fetch; it reconnects with a growing delay and tells subscribers when it is (re)connected, so
 * views reload what they show (events are hints, the API is the truth).
 */
import { useEffect, useRef } from 'preact/hooks';
import type { DeskEvent as LiveEvent } from '../../domain/live-events';
import { storedToken } from './api';
import { createEventParser } from './sse';

/**
 * What subscribers receive: the SSE event's name (`offer`, or the routing event's type) and the server's live event;
 * `connected` (without data) after every (re)connection.
 */
export interface LiveMessage {
  event: string;
  data?: LiveEvent;
}

type Listener = (message: LiveMessage) => void;
const listeners = new Set<Listener>();
let controller: AbortController | null = null;
let status: 'connecting' | 'live' | 'closed' = 'closed';
const statusListeners = new Set<(value: typeof status) => void>();

function setStatus(value: typeof status) {
  status = value;
  statusListeners.forEach((listener) => listener(value));
}

export function liveStatus(): typeof status {
  return status;
}

export function onLiveStatus(listener: (value: typeof status) => void): () => void {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}

export function startLiveEvents(): void {
  if (controller) return;
  const current = new AbortController();
  controller = current;
  void (async () => {
    let delay = 500;
    while (!current.signal.aborted) {
      setStatus('connecting');
      try {
        const response = await fetch('/api/events', {
          headers: { authorization: `Bearer ${storedToken() ?? ''}`, accept: 'text/event-stream' },
          signal: current.signal,
        });
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        setStatus('live');
        // A (re)connection may have missed events: tell everyone to reload.
        listeners.forEach((listener) => listener({ event: 'connected' }));
        delay = 500;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        const parse = createEventParser();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const event of parse(value)) {
            let data: LiveEvent;
            try {
              data = JSON.parse(event.data) as LiveEvent;
            } catch {
              continue;
            }
            listeners.forEach((listener) => listener({ event: event.event, data }));
          }
        }
      } catch {
        if (current.signal.aborted) break;
      }
      if (current.signal.aborted) break;
      setStatus('connecting');
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10_000);
    }
    setStatus('closed');
  })();
}

export function stopLiveEvents(): void {
  controller?.abort();
  controller = null;
}

/** Calls `handler` (latest version) for every live event while the component is mounted. */
export function useLiveEvents(handler: Listener): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    const listener: Listener = (event) => latest.current(event);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
}
