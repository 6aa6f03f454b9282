/**
 * The API's refusals in words a person reads: field paths as labels ("steps.0.template" → "Step 1: template"), and
 * zod's issues (their code and bounds, api/problem-details.ts) as sentences ("The port must be a number from 1 to
 * 65535"). Pure, so it can be unit-tested.
 */
export interface FieldProblem {
  field: string;
  reason: string;
  code?: string;
  origin?: string;
  minimum?: number;
  maximum?: number;
  expected?: string;
  values?: string[];
  format?: string;
}

/** Words written in capitals wherever they appear in a field name. */
const ACRONYMS: Record<string, string> = {
  imap: 'IMAP',
  smtp: 'SMTP',
  url: 'URL',
  ssl: 'SSL',
  tls: 'TLS',
  html: 'HTML',
  sla: 'SLA',
  cc: 'Cc',
  bcc: 'Bcc',
  oauth2: 'OAuth2',
};

/** Lists whose items are named by number ("Step 1"). */
const ITEMS: Record<string, string> = {
  steps: 'Step',
  to: 'Recipient',
  cc: 'Cc recipient',
  bcc: 'Bcc recipient',
  conditions: 'Condition',
  attachments: 'Attachment',
  members: 'Member',
  queueIds: 'Queue',
  agentIds: 'Agent',
};

/** `imapPort` → "IMAP port"; `accountId` → "account". */
export function words(name: string): string {
  const parts = name
    .replace(/Ids?$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_]+/)
    .filter(Boolean);
  return parts.map((part) => ACRONYMS[part.toLowerCase()] ?? part.toLowerCase()).join(' ');
}

/** A field path as a label: `steps.0.template` → "Step 1: template"; `(body)` → "The request". */
export function fieldLabel(field: string): string {
  if (field === '(body)' || field === '') return 'The request';
  const segments = field.replace(/^(body|query|params)\./, '').split('.');
  const labels: string[] = [];
  for (let index = 0; index < segments.length; index += 1) {
    const segment = segments[index]!;
    const next = segments[index + 1];
    if (next !== undefined && /^\d+$/.test(next)) {
      labels.push(`${ITEMS[segment] ?? capitalize(words(segment))} ${Number(next) + 1}`);
      index += 1;
    } else labels.push(words(segment));
  }
  return capitalize(labels.join(': '));
}

/** The noun a field's problem is said of next to the field itself ("The port …"). */
function shortSubject(field: string): string {
  const last = words(
    field
      .split('.')
      .filter((segment) => !/^\d+$/.test(segment))
      .pop() ?? '',
  );
  const noun = /\b(port|host|password|username|name|key|subject|mailbox|address|url|template|text|value)$/i.exec(last)?.[1];
  return noun ? `The ${noun === 'url' ? 'URL' : noun.toLowerCase()}` : 'This';
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** What is wrong, as the end of a sentence ("must be a number from 1 to 65535"); undefined when the API said it best. */
function predicate(problem: FieldProblem): string | undefined {
  const { code, origin, minimum, maximum } = problem;
  if (code === 'too_big' || code === 'too_small') {
    if (origin === 'number') {
      if (minimum !== undefined && maximum !== undefined) return `must be a number from ${minimum} to ${maximum}`;
      if (maximum !== undefined) return `must be at most ${maximum}`;
      if (minimum !== undefined) return `must be at least ${minimum}`;
    }
    const unit: [string, string] | undefined =
      origin === 'string' ? ['character', 'characters'] : origin === 'array' || origin === 'set' ? ['item', 'items'] : undefined;
    if (unit) {
      if (code === 'too_small' && minimum === 1) return origin === 'string' ? 'must not be empty' : 'needs at least one item';
      if (code === 'too_big' && maximum !== undefined) return `may have at most ${plural(maximum, ...unit)}`;
      if (code === 'too_small' && minimum !== undefined) return `needs at least ${plural(minimum, ...unit)}`;
    }
    return undefined;
  }
  if (code === 'invalid_type') {
    if (/received undefined/.test(problem.reason)) return 'is required';
    const kinds: Record<string, string> = {
      number: 'must be a number',
      int: 'must be a whole number',
      string: 'must be text',
      boolean: 'must be yes or no',
      array: 'must be a list',
      object: 'is missing its details',
    };
    return kinds[problem.expected ?? ''];
  }
  if (code === 'invalid_value' && problem.values?.length) {
    const shown = problem.values.slice(0, 8).map((value) => `“${value}”`);
    return `must be one of ${shown.join(', ')}${problem.values.length > 8 ? ', …' : ''}`;
  }
  if (code === 'invalid_format') {
    const formats: Record<string, string> = {
      email: 'must be an email address',
      url: 'must be a web address (URL)',
      datetime: 'must be a date and time',
      date: 'must be a date',
    };
    if (problem.format && formats[problem.format]) return formats[problem.format];
    // A pattern the schema names in its own words ("must not contain line breaks"); zod's default says "Invalid".
    return /^invalid/i.test(problem.reason) ? 'is not in the form it must have' : undefined;
  }
  if (problem.reason === 'unknown field') return 'is not a field this form knows';
  return undefined;
}

/** The API's own reason, as the end of a sentence (its messages are lower case: "no such queue"). */
function reasonText(problem: FieldProblem): string {
  const reason = problem.reason.trim().replace(/\.$/, '');
  return /^(must|may|is|are|has|needs|cannot|should)\b/i.test(reason) ? reason : `: ${reason}`;
}

/**
 * One problem as a sentence. Next to its field the label is known, so the sentence names only a short subject
 * ("The port must be a number from 1 to 65535"); elsewhere it names the field ("Step 1: template must not be empty").
 */
export function describeProblem(problem: FieldProblem, nextToField = false): string {
  const subject = nextToField ? shortSubject(problem.field) : fieldLabel(problem.field);
  const rest = predicate(problem) ?? reasonText(problem);
  return `${subject}${rest.startsWith(':') ? '' : ' '}${rest}.`.replace(/\.\.$/, '.');
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A sentence from the API's detail ("wrong email or password" → "Wrong email or password."). */
export function sentence(text: string): string {
  const trimmed = text.trim();
  return capitalize(/[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`);
}

/** What a failed request means to the person who made it, by its status when the API gave no field problems. */
export function describeStatus(status: number, detail: string, method: string): string {
  if (status === 0)
    return method === 'GET'
      ? "Can't reach the server. Check your connection; we'll keep trying."
      : "Can't reach the server, so this was not done. Check your connection and try again.";
  if (status === 401) return detail ? sentence(detail) : 'Your session has ended. Please log in again.';
  if (status === 403) return "You don't have permission to do this.";
  if (status === 404) return 'This no longer exists: it may have been deleted. Reload to see the current list.';
  if (status === 412) return 'Someone else changed this in the meantime. Reload to see their change, then try again.';
  if (status === 413) return 'That is too large to send.';
  if (status === 429) return 'Too many attempts. Wait a moment and try again.';
  if (status === 502 || status === 504) return "Can't reach the server. Check your connection; we'll keep trying.";
  if (status === 503) return 'The server is busy. Try again in a moment.';
  if (status >= 500) return 'Something went wrong on the server (it has been logged). Try again.';
  return detail ? sentence(detail.replace(/^invalid (body|query|params): /, '')) : 'The request was refused.';
}
