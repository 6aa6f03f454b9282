/**
 * Message templates: `{{name}}` and `{{path.to.value}}` placeholders (e.g. `{{customer.name}}`,
 * `{{fromAccount}}`), filled from plain data. Unknown placeholders become empty. Pure and sandbox-safe.
 */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\s*\}\}/g;

export type TemplateData = { [key: string]: string | number | boolean | null | undefined | TemplateData };

function lookup(data: TemplateData, dottedPath: string): string {
  let value: TemplateData[string] = data;
  for (const key of dottedPath.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, key)) return '';
    value = value[key];
  }
  return value === null || value === undefined || typeof value === 'object' ? '' : String(value);
}

export function renderTemplate(template: string, data: TemplateData): string {
  return template.replace(PLACEHOLDER, (_, dottedPath: string) => lookup(data, dottedPath));
}

/** The note left on an interaction transferred to another account when that account has no template. */
export const DEFAULT_TRANSFER_TEMPLATE = 'Transferred from {{fromAccount}} to {{toAccount}}.';

/** The desk notification's text when an account has no notification template of its own. */
export const DEFAULT_NOTIFICATION_TEMPLATE = '{{account.key}}: {{customer.name}} <{{customer.email}}>: {{subject}}';

/**
 * What a notification template may say: {{customer.name}} (the address when the name is unknown), {{customer.email}},
 * {{subject}}, {{interaction.id}}, {{interaction.subject}}, {{account.name}}, {{account.key}} and {{queue.name}} (the
 * queue it is offered from or waits in; empty before it has one). The admin's preview renders with these too.
 */
export function notificationVariables(
  account: { key: string; name: string },
  interaction: { id: number; subject: string; customerEmail: string; customerName: string | null; queue?: { name: string } | null },
): TemplateData {
  return {
    customer: { name: interaction.customerName ?? interaction.customerEmail, email: interaction.customerEmail },
    subject: interaction.subject,
    interaction: { id: interaction.id, subject: interaction.subject },
    account: { key: account.key, name: account.name },
    queue: { name: interaction.queue?.name ?? '' },
  };
}
