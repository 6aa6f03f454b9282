/**
 * Live events from GET /api/events, read with fetch (the session cookie goes along). It reconnects with a growing
 * delay and tells subscribers when it is (re)connected, so views reload what they show (events are hints, the API is
 * the truth). A dead server does not always close the connection: the server sends a heartbeat every N seconds
 * (`x-heartbeat-seconds`), and silence for more than two of them counts as a lost connection.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { DeskEvent as LiveEvent } from '../../domain/live-events';
import { CLIENT_HEADERS, onReachability, reportReachable } from './api';
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
/** `reconnecting`: the stream was live and is lost; `connecting`: it has not been live yet. */
export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'closed';
let status: LiveStatus = 'closed';
const statusListeners = new Set<(value: LiveStatus) => void>();
const DEFAULT_HEARTBEAT_SECONDS = 15;
const MAX_DELAY_MS = 5_000;

function setStatus(value: LiveStatus) {
  if (value === status) return;
  status = value;
  statusListeners.forEach((listener) => listener(value));
}

export function liveStatus(): LiveStatus {
  return status;
}

export function onLiveStatus(listener: (value: LiveStatus) => void): () => void {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}

/** Reads one connection until it ends, fails or falls silent for longer than two heartbeats. */
async function readStream(signal: AbortSignal): Promise<void> {
  const connection = new AbortController();
  const abort = () => connection.abort();
  signal.addEventListener('abort', abort);
  let silence: ReturnType<typeof setTimeout> | undefined;
  try {
    const response = await fetch('/api/events', {
      credentials: 'same-origin',
      headers: { ...CLIENT_HEADERS, accept: 'text/event-stream' },
      signal: connection.signal,
    });
    if (response.status === 401) window.dispatchEvent(new Event('mailroute:unauthorized'));
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
    const heartbeatSeconds = Number(response.headers.get('x-heartbeat-seconds')) || DEFAULT_HEARTBEAT_SECONDS;
    const watch = () => {
      clearTimeout(silence);
      silence = setTimeout(abort, heartbeatSeconds * 2 * 1000 + 500);
    };
    watch();
    setStatus('live');
    reportReachable(true);
    // A (re)connection may have missed events: tell everyone to reload.
    listeners.forEach((listener) => listener({ event: 'connected' }));
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    const parse = createEventParser();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      watch();
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
    // Refused, unreachable, cut or silent: the caller waits and tries again.
  } finally {
    clearTimeout(silence);
    signal.removeEventListener('abort', abort);
  }
}

export function startLiveEvents(): void {
  if (controller) return;
  const current = new AbortController();
  controller = current;
  let wake: (() => void) | undefined;
  // The API answered again (a reload, a click): try the stream at once instead of at the end of the delay.
  const unsubscribe = onReachability((reachable) => reachable && wake?.());
  void (async () => {
    let delay = 500;
    let wasLive = false;
    while (!current.signal.aborted) {
      setStatus(wasLive ? 'reconnecting' : 'connecting');
      const startedAt = Date.now();
      await readStream(current.signal);
      if (current.signal.aborted) break;
      if (status === 'live') {
        wasLive = true;
        // Lost after a while: the server is gone or restarting (a healthy stream never ends by itself).
        if (Date.now() - startedAt > 1_000) delay = 500;
      }
      setStatus(wasLive ? 'reconnecting' : 'connecting');
      reportReachable(false);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
    unsubscribe();
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
