/**
 * Loop and bounce protection, as one rule: which incoming emails were sent by a machine and so must never trigger an
 * automatic answer. Pure: reads header values only. Ingestion stores the tags with the message; the autoreply step
 * applies the same rule again to the stored headers, so messages stored before a signal was known are protected too.
 */
export type LoopTag = 'loop' | 'auto-submitted' | 'auto-reply' | 'bulk' | 'list' | 'bounce' | 'report' | 'no-reply' | 'own-message';

export interface LoopSignal {
  tag: LoopTag;
  /** Says which header gave it away, for the routing event of a skipped autoreply. */
  reason: string;
}

export interface LoopHeaders {
  /** Lower-cased header name → values. */
  get(name: string): string[];
  contentType: string;
  fromAddress: string | null;
  messageId: string | null;
}

export interface OwnMail {
  accountAddress: string;
  ownMessageIds: ReadonlySet<string>;
}

/** Every sign that a machine sent this email, in the order they are checked. */
export function loopSignals(headers: LoopHeaders, own: OwnMail): LoopSignal[] {
  const signals: LoopSignal[] = [];
  const add = (tag: LoopTag, reason: string) => signals.push({ tag, reason });
  const values = (name: string) => headers.get(name).map((value) => value.trim().toLowerCase());
  const present = (name: string) => headers.get(name).length > 0;

  const loop = headers.get('x-loop');
  if (loop.length > 0) add('loop', `X-Loop: ${loop[0]!.trim()}`);
  // RFC 3834: anything but "no" was sent automatically.
  const autoSubmitted = values('auto-submitted').find((value) => value !== '' && !value.startsWith('no'));
  if (autoSubmitted !== undefined) {
    add('auto-submitted', `Auto-Submitted: ${autoSubmitted}`);
    if (autoSubmitted.startsWith('auto-replied')) add('auto-reply', `Auto-Submitted: ${autoSubmitted}`);
  }
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponse']) if (present(name)) add('auto-reply', `${name} is set`);
  const suppress = values('x-auto-response-suppress').find((value) => /\b(all|oof|autoreply)\b/.test(value));
  if (suppress !== undefined) add('auto-reply', `X-Auto-Response-Suppress: ${suppress}`);
  for (const precedence of values('precedence')) {
    if (precedence === 'bulk' || precedence === 'junk') add('bulk', `Precedence: ${precedence}`);
    if (precedence === 'list') add('list', 'Precedence: list');
    if (precedence === 'auto_reply') add('auto-reply', 'Precedence: auto_reply');
  }
  if (present('list-id')) add('list', 'the message came from a mailing list (List-Id)');
  if (present('list-unsubscribe')) add('list', 'the message came from a mailing list (List-Unsubscribe)');

  const contentType = headers.contentType.toLowerCase();
  if (contentType.startsWith('multipart/report')) {
    if (contentType.includes('delivery-status')) add('bounce', 'the message is a delivery status notification');
    else add('report', `the message is a report (${/report-type=\s*"?([a-z-]+)/.exec(contentType)?.[1] ?? 'multipart/report'})`);
  }
  if (contentType.startsWith('message/feedback-report') || contentType.startsWith('message/delivery-status'))
    add('report', `the message is a ${contentType.split(';')[0]}`);
  if (values('return-path').some((value) => /^<\s*>$/.test(value) || value === ''))
    add('bounce', 'the message is a bounce (empty Return-Path)');
  const from = headers.fromAddress?.trim().toLowerCase() ?? '';
  if (/^(mailer-daemon|postmaster)@/.test(from)) add('bounce', `the sender ${from} is a mail system`);
  if (from === '') add('no-reply', 'the message has no sender');
  else if (/^(no-?reply|do-?not-?reply)([+.-][^@]*)?@/.test(from)) add('no-reply', `the sender ${from} does not take replies`);

  if (from !== '' && from === own.accountAddress.toLowerCase()) add('own-message', 'the message came from this account');
  if (headers.messageId !== null && own.ownMessageIds.has(headers.messageId)) add('own-message', 'mailroute sent this message');
  return signals;
}

/** The tags stored with an inbound message (sorted, each once). */
export function loopTags(headers: LoopHeaders, own: OwnMail): LoopTag[] {
  return [...new Set(loopSignals(headers, own).map((signal) => signal.tag))].sort();
}

/** The rule over a stored message: its header map (lower-cased names), sender and the tags stored with it. */
export function storedLoopReason(message: {
  loopTags: readonly string[];
  headers: Record<string, unknown>;
  fromAddress: string | null;
  accountAddress: string;
}): string | null {
  const tag = message.loopTags[0];
  if (tag !== undefined) return `the message is tagged ${tag}`;
  const value = (name: string) =>
    message.headers[name] === undefined || message.headers[name] === null ? [] : [String(message.headers[name])];
  const [signal] = loopSignals(
    { get: value, contentType: value('content-type')[0] ?? '', fromAddress: message.fromAddress, messageId: null },
    { accountAddress: message.accountAddress, ownMessageIds: new Set() },
  );
  return signal?.reason ?? null;
}
