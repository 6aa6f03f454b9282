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
