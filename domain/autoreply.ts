/**
 * Autoreply decisions (the action plan's autoreply step), pure: whom never to answer automatically, and who
 * receives the answer. Loop tags come from ingestion (loop-detection.ts); the stored headers are checked
 * too, so messages ingested without tags are still protected.
 */
import type { AutoreplyMode } from './action-plan-schema';

export type { AutoreplyMode };

const NEVER_ANSWERED_TAGS = new Set(['auto-submitted', 'auto-reply', 'bulk', 'list', 'bounce', 'own-message']);

/** Why this message must not get an autoreply, or null when it may. */
export function autoreplyBlockReason(input: {
  loopTags: string[];
  headers: Record<string, unknown>;
  fromAddress: string | null;
  accountAddress: string;
}): string | null {
  const tag = input.loopTags.find((entry) => NEVER_ANSWERED_TAGS.has(entry));
  if (tag) return `the message is tagged ${tag}`;
  const header = (name: string) =>
    String(input.headers[name] ?? '')
      .trim()
      .toLowerCase();
  const autoSubmitted = header('auto-submitted');
  if (autoSubmitted !== '' && !autoSubmitted.startsWith('no')) return `Auto-Submitted: ${autoSubmitted}`;
  if (['bulk', 'junk', 'list', 'auto_reply'].includes(header('precedence'))) return `Precedence: ${header('precedence')}`;
  if (header('list-id') !== '') return 'the message came from a mailing list';
  if (header('return-path') === '<>') return 'the message is a bounce (null return path)';
  const from = (input.fromAddress ?? '').toLowerCase();
  if (from === '') return 'the message has no sender';
  if (/^(mailer-daemon|postmaster|no-?reply)@/.test(from)) return `the sender ${from} does not take replies`;
  if (from === input.accountAddress.toLowerCase()) return 'the message came from this account';
  return null;
}

/** Why the mode rules this autoreply out, given what was already sent, or null. */
export function autoreplyModeBlock(
  mode: AutoreplyMode,
  history: { earlierAutorepliesToSender: number; earlierInboundOnInteraction: number },
): string | null {
  if (mode === 'once-per-sender' && history.earlierAutorepliesToSender > 0) return 'this sender already had an autoreply';
  if (mode === 'first-message' && history.earlierInboundOnInteraction > 0) return 'not the first message of the interaction';
  return null;
}

/** Reply-all: the other To/Cc recipients (never the account itself or the sender twice) go in Cc. */
export function autoreplyCc(input: { to: string[]; cc: string[]; sender: string; accountAddress: string }): string[] {
  const skip = new Set([input.sender.toLowerCase(), input.accountAddress.toLowerCase()]);
  const result: string[] = [];
  for (const address of [...input.to, ...input.cc]) {
    const lower = address.toLowerCase();
    if (lower === '' || skip.has(lower)) continue;
    skip.add(lower);
    result.push(address);
  }
  return result;
}

/** Headers every autoreply carries (RFC 3834 and Microsoft's loop guard). */
export const AUTOREPLY_HEADERS = { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' } as const;
