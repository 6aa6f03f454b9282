/**
 * Loop and bounce protection: which incoming emails must never trigger an autoreply. Pure: reads header
 * values only. Tags: auto-submitted (RFC 3834), auto-reply (vacation/OOO markers), bulk (Precedence),
 * list (List-Id / List-Unsubscribe), bounce (DSN, null return path, mailer-daemon), own-message (we sent it).
 */
export type LoopTag = 'auto-submitted' | 'auto-reply' | 'bulk' | 'list' | 'bounce' | 'own-message';

export interface LoopHeaders {
  /** Lower-cased header name → values. */
  get(name: string): string[];
  contentType: string;
  fromAddress: string | null;
  messageId: string | null;
}

export function loopTags(headers: LoopHeaders, own: { accountAddress: string; ownMessageIds: ReadonlySet<string> }): LoopTag[] {
  const tags = new Set<LoopTag>();
  const first = (name: string) => headers.get(name).map((value) => value.trim().toLowerCase());
  const autoSubmitted = first('auto-submitted');
  if (autoSubmitted.some((value) => value !== '' && !value.startsWith('no'))) tags.add('auto-submitted');
  if (autoSubmitted.some((value) => value.startsWith('auto-replied'))) tags.add('auto-reply');
  if (first('x-autoreply').length > 0 || first('x-autorespond').length > 0) tags.add('auto-reply');
  if (first('x-auto-response-suppress').some((value) => /\b(all|oof|autoreply)\b/.test(value))) tags.add('auto-reply');
  const precedence = first('precedence');
  if (precedence.some((value) => value === 'bulk' || value === 'junk')) tags.add('bulk');
  if (precedence.some((value) => value === 'list')) tags.add('list');
  if (precedence.some((value) => value === 'auto_reply')) tags.add('auto-reply');
  if (first('list-id').length > 0 || first('list-unsubscribe').length > 0) tags.add('list');
  const contentType = headers.contentType.toLowerCase();
  if (
    contentType.includes('report-type=delivery-status') ||
    contentType.startsWith('multipart/report') ||
    first('return-path').some((value) => value === '<>') ||
    /^(mailer-daemon|postmaster)@/i.test(headers.fromAddress ?? '')
  ) {
    tags.add('bounce');
  }
  const from = headers.fromAddress?.toLowerCase() ?? null;
  if (
    (from !== null && from === own.accountAddress.toLowerCase()) ||
    (headers.messageId !== null && own.ownMessageIds.has(headers.messageId))
  ) {
    tags.add('own-message');
  }
  return [...tags].sort();
}
