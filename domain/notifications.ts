/**
 * What an agent's desk shows (and plays) for a live event: the account's notification template rendered for the
 * interaction (its variables: notificationVariables in templates.ts), with the account's sound and shake flags, and
 * the account key for the tab.
 */
import { z } from 'zod';
import { DEFAULT_NOTIFICATION_TEMPLATE, notificationVariables, renderTemplate } from './templates';

export { DEFAULT_NOTIFICATION_TEMPLATE };

/** Notifications travel in PostgreSQL NOTIFY payloads (8000 bytes at most): the text is kept short. */
const MAX_TEXT = 500;

export const deskNotificationSchema = z
  .object({
    accountKey: z.string(),
    text: z.string().meta({ description: "the account's notification template, rendered for the interaction" }),
    sound: z.boolean(),
    shake: z.boolean(),
  })
  .meta({ id: 'DeskNotification' });

export type DeskNotification = z.output<typeof deskNotificationSchema>;

export function renderNotification(
  account: { key: string; name: string; notificationTemplate: string | null; notificationSound: boolean; notificationShake: boolean },
  interaction: {
    id: number;
    subject: string;
    customerEmail: string;
    customerName: string | null;
    /** The queue the interaction is offered from or waits in; absent or null before it has one. */
    queue?: { name: string } | null;
  },
): DeskNotification {
  const text = renderTemplate(account.notificationTemplate ?? DEFAULT_NOTIFICATION_TEMPLATE, notificationVariables(account, interaction));
  return {
    accountKey: account.key,
    text: text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text,
    sound: account.notificationSound,
    shake: account.notificationShake,
  };
}
