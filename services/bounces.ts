/**
 * A delivery status report (a bounce, RFC 3464) carries the message that could not be delivered: whole
 * (message/rfc822) or its header only (text/rfc822-headers). Its Message-ID names the email that bounced (one of
 * ours, when an autoreply or reply could not be delivered), its In-Reply-To and References the thread.
 */
import { headerFieldValues } from '../domain/headers-filter';
import { normaliseMessageId, type ParsedMail } from './email-parsing';

const RETURNED_MESSAGE_TYPES = new Set([
  'message/rfc822',
  'message/global',
  'text/rfc822-headers',
  'message/rfc822-headers',
  'message/global-headers',
]);

export interface ReturnedMessage {
  messageId: string | null;
  /** In-Reply-To and References of the returned message. */
  threadIds: string[];
}

/** The returned message of a bounce (an email tagged `bounce`); null when it carries none. */
export function returnedMessage(parsed: Pick<ParsedMail, 'attachments'>): ReturnedMessage | null {
  const part = parsed.attachments.find((attachment) => RETURNED_MESSAGE_TYPES.has(attachment.contentType.toLowerCase()));
  if (!part) return null;
  const field = (name: string) => headerFieldValues(part.content, name)[0] ?? null;
  // Only the <…> tokens: a returned header may carry comments or a folded list.
  const ids = (value: string | null) => (value?.match(/<[^<>\s]+>/g) ?? []).map((id) => normaliseMessageId(id)!);
  return {
    messageId: ids(field('message-id'))[0] ?? normaliseMessageId(field('message-id')),
    threadIds: [...new Set([...ids(field('in-reply-to')), ...ids(field('references'))])],
  };
}
