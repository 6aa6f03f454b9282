/**
 * Autoreply decisions (the action plan's autoreply step), pure: how often to answer, who receives the answer and the
 * headers it carries. Whom never to answer automatically is the loop rule (loop-detection.ts).
 */
import type { AutoreplyMode } from './action-plan-schema';

export type { AutoreplyMode };

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
