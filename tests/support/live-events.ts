/** Reads /api/events (Server-Sent Events) in the background and keeps what arrives, in order. */
export interface LiveEventStream {
  events: Array<{ event: string; data: Record<string, unknown> }>;
  waitFor(count: number, timeoutMs?: number): Promise<LiveEventStream['events']>;
  close(): void;
  /** The server ended the stream. */
  readonly ended: boolean;
}

/** `onEvent` sees each event as it arrives (benchmarks time offers by it). */
export async function openLiveEvents(
  apiUrl: string,
  token: string,
  onEvent?: (event: LiveEventStream['events'][number]) => void,
): Promise<LiveEventStream> {
  const controller = new AbortController();
  const response = await fetch(`${apiUrl}/api/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  if (response.status !== 200 || !response.headers.get('content-type')?.includes('text/event-stream')) {
    throw new Error(`no event stream: HTTP ${response.status}`);
  }
  const events: LiveEventStream['events'] = [];
  const reader = response.body!.getReader();
  let ended = false;
  void (async () => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
      if (done) {
        ended = true;
        return;
      }
      buffer += Buffer.from(value).toString('utf8');
      let boundary;
      while ((boundary = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (!event || !data) continue;
        const parsed = { event, data: JSON.parse(data) as Record<string, unknown> };
        events.push(parsed);
        onEvent?.(parsed);
      }
    }
  })();
  return {
    events,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      return events;
    },
    close: () => controller.abort(),
    get ended() {
      return ended;
    },
  };
}
