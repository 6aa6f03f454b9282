/**
 * What an agent's desk shows (and plays) for a live event: the account's notification template rendered for the
 * interaction, with the account's sound and shake flags, and the account key for the tab.
 */
import { z } from 'zod';
import { renderTemplate } from './templates';

/** Used when an account has no notification template of its own. */
export const DEFAULT_NOTIFICATION_TEMPLATE = '{{account.key}}: {{customer.name}} <{{customer.email}}>: {{subject}}';

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
  interaction: { id: number; subject: string; customerEmail: string; customerName: string | null },
): DeskNotification {
  const text = renderTemplate(account.notificationTemplate ?? DEFAULT_NOTIFICATION_TEMPLATE, {
    customer: { name: interaction.customerName ?? interaction.customerEmail, email: interaction.customerEmail },
    subject: interaction.subject,
    interaction: { id: interaction.id, subject: interaction.subject },
    account: { key: account.key, name: account.name },
  });
  return {
    accountKey: account.key,
    text: text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text,
    sound: account.notificationSound,
    shake: account.notificationShake,
  };
}
