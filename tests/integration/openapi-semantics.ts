/**
 * What the document cannot state, for the property test: which ids name real objects, which cursors the API made,
 * which hosts and URLs a test may use (loopback and example.* only), the few cross-field rules (labels an action
 * plan jumps to, an agent once per queue), and which failures the current state explains (an id that names nothing,
 * a name already taken, an interaction nobody holds, a stale If-Match). Each rule reads the database or the world;
 * none is the API's own code.
 */
import fc from 'fast-check';
import { offsetCursor, keysetCursor } from '../../api/cursor';
import type { Database } from '../../store/db';
import { png } from '../support/png';
import { ABSENT_ID, FIELD_KINDS, idOf, type World } from './api-world';
import type { Override, Spot } from './openapi-arbitraries';
import type { DocumentReader, JsonSchema, Operation } from './openapi-document';

/** The property name a spot ends with (array items belong to the array's property). */
export function fieldOf(spot: Spot): string | undefined {
  return [...spot].reverse().find((part): part is string => typeof part === 'string' && part !== '*');
}

export interface Knowledge {
  world: World;
  /** The world agent's password as it is now (PUT /me/password changes it). */
  password: string;
}

/** Ids, cursors, hosts, URLs and credentials that name what exists in the world, for the operation at hand. */
export function worldOverride(operation: Operation, knowledge: Knowledge): Override {
  const { world } = knowledge;
  return (spot: Spot, schema: JsonSchema) => {
    const field = fieldOf(spot);
    if (!field) return undefined;
    const kind = FIELD_KINDS[field];
    if (kind && (schema.type === 'integer' || schema.type === 'number')) {
      if (field === 'parentId') return fc.constantFrom(world.dispositionId, world.childDispositionId);
      return fc.constant(idOf(world, kind));
    }
    switch (field) {
      case 'cursor':
        return fc.constantFrom(offsetCursor.encode(0), offsetCursor.encode(1), offsetCursor.encode(100));
      case 'imapHost':
      case 'smtpHost':
        // Verify SMTP connects: only to this machine, on a port nobody listens on.
        return fc.constantFrom('127.0.0.1', 'localhost');
      case 'imapPort':
      case 'smtpPort':
        return fc.constant(1);
      case 'email':
        return operation.key === 'POST /api/auth/login'
          ? fc.oneof(fc.constant(world.agent.email), fc.constant('nobody@example.com'))
          : undefined;
      case 'password':
        return operation.key === 'POST /api/auth/login'
          ? fc.oneof(
              fc.constant(null).map(() => knowledge.password),
              fc.constant('wrong-password'),
            )
          : undefined;
      case 'currentPassword':
        // Read when the request is made: an earlier run may have changed it.
        return fc.constant(null).map(() => knowledge.password);
      case 'tenantId':
        return fc.constantFrom('common', 'organizations');
    }
    return undefined;
  };
}

const AUTHORIZATION_URLS: Record<string, string> = {
  microsoft: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
  google: 'https://accounts.google.com/o/oauth2/v2/auth',
};

const TOKEN_URLS: Record<string, string> = {
  microsoft: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
  google: 'https://oauth2.googleapis.com/token',
};

/** The smallest images of each logo format: a PNG, and a JPEG's and a GIF's leading signatures. */
const LOGO_BYTES: Record<string, Buffer> = {
  'image/png': png(1, 1, [0, 0, 0]),
  'image/jpeg': Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
  'image/gif': Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'),
};

/** Cross-field rules no schema states, applied to a body valid by the document. */
export function repaired(operation: Operation, body: any, reader: DocumentReader): any {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const copy = structuredClone(body);
  if (copy.oauth2 && typeof copy.oauth2 === 'object') {
    // The provider's own token endpoint (an operator's allow-list may name others).
    if (copy.oauth2.tokenUrl !== undefined) copy.oauth2.tokenUrl = TOKEN_URLS[copy.oauth2.provider];
    if (copy.oauth2.authorizationUrl !== undefined) copy.oauth2.authorizationUrl = AUTHORIZATION_URLS[copy.oauth2.provider];
  }
  if (/^(POST|PATCH) \/api\/accounts(\/\{id\})?$/.test(operation.key)) {
    // The first activation "since" a day names the day.
    if (copy.firstIntakeSince === null) delete copy.firstIntakeSince;
    if (copy.firstIntake === 'since') copy.firstIntakeSince ??= '2020-01-01';
  }
  if (Array.isArray(copy.steps)) {
    // Every step labelled, every jump forward to a last step of its own: no unknown label, no loop (and room for
    // that step within the plan's largest size).
    const steps = reader.resolve(reader.resolve(operation.body!).properties?.steps ?? {});
    const kept = copy.steps.slice(0, (steps.maxItems ?? Infinity) - 1);
    const end = `s${kept.length}`;
    copy.steps = [...kept, { type: 'noop' }].map((step: any, index: number) => {
      const labelled = { ...step, label: `s${index}` };
      if ('then' in labelled) labelled.then = end;
      if ('else' in labelled) labelled.else = end;
      if (labelled.type === 'gotop') {
        // A schedule or a calendar, exactly one; the calendar's copy is the API's to make.
        delete labelled.calendar;
        if (labelled.calendarId !== undefined) delete labelled.schedule;
        else labelled.schedule ??= { timezone: 'UTC', intervals: [] };
      }
      return labelled;
    });
  }
  if (/^(POST|PATCH) \/api\/accounts\/\{id\}\/calendars/.test(operation.key)) repairCalendar(copy, operation.method === 'post');
  if (Array.isArray(copy.members)) {
    const seen = new Set<number>();
    copy.members = copy.members.filter((member: any) => !seen.has(member.agentId) && seen.add(member.agentId));
  }
  if (operation.key === 'PATCH /api/users/{id}' && copy.pauseStatusId != null) copy.presence = 'paused';
  if (operation.key === 'POST /api/interactions/{id}/transfer') {
    // Exactly one target: the first one generated stays.
    const [, ...others] = ['agentId', 'queueId', 'accountId'].filter((field) => copy[field] !== undefined);
    for (const field of others) delete copy[field];
  }
  if (operation.key === 'PUT /api/accounts/{id}/logo' && typeof copy.contentType === 'string') {
    // The bytes must be the image format the body names (their leading signature is checked).
    copy.contentBase64 = LOGO_BYTES[copy.contentType]?.toString('base64') ?? copy.contentBase64;
  }
  if (operation.key === 'POST /api/interactions/search' && typeof copy.cursor === 'string') {
    copy.cursor = copy.sort === 'id' ? keysetCursor.encode(1000, 1000) : keysetCursor.encode('2026-01-01T00:00:00.000Z', 1000);
  }
  return copy;
}

/** A calendar's rules no pattern states: an interval ends after it starts, a date is on the calendar, open once a week. */
function repairCalendar(calendar: any, created: boolean): void {
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
  const fix = (intervals: any[] | undefined) =>
    intervals?.map((interval) => (minutes(interval.to) > minutes(interval.from) ? interval : { from: '09:00', to: '17:00' }));
  if (calendar.hours) for (const day of Object.keys(calendar.hours)) calendar.hours[day] = fix(calendar.hours[day]);
  if ((created || calendar.hours) && !Object.values(calendar.hours ?? {}).some((day: any) => day?.length > 0))
    calendar.hours = { ...calendar.hours, mon: [{ from: '09:00', to: '17:00' }] };
  for (const holiday of calendar.holidays ?? []) {
    const parsed = Date.parse(`${holiday.date}T00:00:00Z`);
    if (Number.isNaN(parsed) || !new Date(parsed).toISOString().startsWith(holiday.date)) holiday.date = '2026-12-25';
    holiday.hours = fix(holiday.hours);
  }
}

/** The table each path parameter's object lives in, by the segment before it, and whether a row still exists. */
async function pathObjectExists(db: Database, owner: string, id: number, parentId: number): Promise<boolean> {
  const found: Record<string, () => Promise<unknown>> = {
    accounts: () => db.emailAccount.findUnique({ where: { id } }),
    dispositions: () => db.disposition.findFirst({ where: { id, accountId: parentId } }),
    versions: () => db.actionPlanVersion.findFirst({ where: { version: id, accountId: parentId } }),
    queues: () => db.queue.findUnique({ where: { id } }),
    users: () => db.user.findUnique({ where: { id } }),
    'canned-answers': () => db.cannedAnswer.findUnique({ where: { id } }),
    'contact-lists': () => db.contactList.findUnique({ where: { id } }),
    contacts: () => db.contact.findFirst({ where: { id, listId: parentId } }),
    interactions: () => db.interaction.findUnique({ where: { id } }),
    attachments: () => db.attachment.findFirst({ where: { id, message: { interactionId: parentId } } }),
    offers: () => db.offer.findUnique({ where: { id } }),
    'uncertain-sends': () => db.outboundEmail.findFirst({ where: { id, interactionId: parentId } }),
    quarantine: () => db.quarantinedEmail.findUnique({ where: { id } }),
    tokens: () => db.apiToken.findUnique({ where: { id } }),
    'pause-statuses': () => db.pauseStatus.findUnique({ where: { id } }),
    calendars: () => db.businessCalendar.findFirst({ where: { id, accountId: parentId } }),
    'sla-policies': () => db.slaPolicy.findFirst({ where: { id, accountId: parentId } }),
  };
  return Boolean(await found[owner]!());
}

/** Whether every object a request's path names exists. */
export async function pathNamesWhatExists(db: Database, operation: Operation, values: Record<string, number>): Promise<boolean> {
  const segments = operation.path.split('/');
  let parent = 0;
  for (const [index, segment] of segments.entries()) {
    const name = /^\{(\w+)\}$/.exec(segment)?.[1];
    if (!name) continue;
    const id = values[name]!;
    if (id === ABSENT_ID || !(await pathObjectExists(db, segments[index - 1]!, id, parent))) return false;
    parent = id;
  }
  // The demo account's routes name it without an id: it exists once an account is marked as the demo.
  if (segments[2] === 'demo' && operation.method !== 'PUT') return (await db.emailAccount.count({ where: { demo: true } })) > 0;
  // An account's logo exists once uploaded.
  if (segments.at(-1) === 'logo' && operation.method === 'GET') {
    const account = await db.emailAccount.findUnique({ where: { id: parent } });
    return Boolean((account?.bodyTemplate as { logo?: unknown } | null)?.logo);
  }
  return true;
}

/** Every id a body or query names through a field of FIELD_KINDS, with its kind. */
export function namedIds(
  value: unknown,
  found: Array<{ field: string; id: number }> = [],
  field?: string,
): Array<{ field: string; id: number }> {
  if (Array.isArray(value)) value.forEach((item) => namedIds(item, found, field));
  else if (typeof value === 'object' && value !== null) for (const [name, inner] of Object.entries(value)) namedIds(inner, found, name);
  else if (field && FIELD_KINDS[field] && (typeof value === 'number' || /^\d+$/.test(String(value))))
    found.push({ field, id: Number(value) });
  return found;
}

async function idExists(db: Database, field: string, id: number): Promise<boolean> {
  const kind = FIELD_KINDS[field]!;
  const lookups: Record<string, () => Promise<unknown>> = {
    account: () => db.emailAccount.findUnique({ where: { id } }),
    agent: () => db.user.findUnique({ where: { id } }),
    queue: () => db.queue.findUnique({ where: { id } }),
    interaction: () => db.interaction.findUnique({ where: { id } }),
    disposition: () => db.disposition.findUnique({ where: { id } }),
    cannedAnswer: () => db.cannedAnswer.findUnique({ where: { id } }),
    contactList: () => db.contactList.findUnique({ where: { id } }),
    pauseStatus: () => db.pauseStatus.findUnique({ where: { id } }),
    calendar: () => db.businessCalendar.findUnique({ where: { id } }),
    slaPolicy: () => db.slaPolicy.findUnique({ where: { id } }),
  };
  return Boolean(await lookups[kind]!());
}

export async function everyNamedIdExists(db: Database, ...values: unknown[]): Promise<boolean> {
  for (const { field, id } of values.flatMap((value) => namedIds(value))) if (!(await idExists(db, field, id))) return false;
  return true;
}

export interface RequestFacts {
  path: Record<string, number>;
  body: any;
  askerId: number;
}

/** Whether the routing workflow an interaction names is running (nobody holds it otherwise). */
export type WorkflowRunning = (workflowId: string) => Promise<boolean>;

const trimmed = (value: unknown) => (typeof value === 'string' ? value.trim() : value);

/**
 * Why the state before a request explains a 409 for it, or null when nothing does: a name, key or email another row
 * has, the last admin, an offer no longer pending, an interaction whose routing is not running.
 */
export async function conflictReason(
  db: Database,
  operation: Operation,
  facts: RequestFacts,
  running: WorkflowRunning,
): Promise<string | null> {
  const { path, body } = facts;
  const name = trimmed(body?.name) as string | undefined;
  const other = (id: number | undefined) => (id === undefined ? {} : { NOT: { id } });
  const admins = () => db.user.count({ where: { role: 'admin' } });
  switch (operation.key) {
    case 'POST /api/queues':
    case 'PATCH /api/queues/{id}':
      return name !== undefined && (await db.queue.findFirst({ where: { name, ...other(path.id) } })) ? 'a queue has that name' : null;
    case 'POST /api/pause-statuses':
    case 'PATCH /api/pause-statuses/{id}':
      return name !== undefined && (await db.pauseStatus.findFirst({ where: { name, ...other(path.id) } }))
        ? 'a pause status has that name'
        : null;
    case 'POST /api/contact-lists':
    case 'PATCH /api/contact-lists/{id}':
      return name !== undefined && (await db.contactList.findFirst({ where: { name, ...other(path.id) } })) ? 'a list has that name' : null;
    case 'POST /api/contact-lists/{id}/contacts':
    case 'PATCH /api/contact-lists/{id}/contacts/{childId}': {
      const email = typeof body?.email === 'string' ? body.email.toLowerCase() : undefined;
      const taken = email && (await db.contact.findFirst({ where: { listId: path.id, email, ...other(path.childId) } }));
      return taken ? 'the list has that email' : null;
    }
    case 'POST /api/users':
    case 'PATCH /api/users/{id}': {
      const email = typeof body?.email === 'string' ? body.email.toLowerCase() : undefined;
      if (email && (await db.user.findFirst({ where: { email, ...other(path.id) } }))) return 'a user has that email';
      const target = path.id ? await db.user.findUnique({ where: { id: path.id } }) : null;
      if (target?.role === 'admin' && body?.role !== undefined && body.role !== 'admin' && (await admins()) <= 1) return 'the last admin';
      return null;
    }
    case 'DELETE /api/users/{id}': {
      if (path.id === facts.askerId) return 'one cannot delete oneself';
      const target = await db.user.findUnique({ where: { id: path.id } });
      return target?.role === 'admin' && (await admins()) <= 1 ? 'the last admin' : null;
    }
    case 'POST /api/accounts':
    case 'PATCH /api/accounts/{id}':
      return body?.key !== undefined && (await db.emailAccount.findFirst({ where: { key: body.key, ...other(path.id) } }))
        ? 'an account has that key'
        : null;
    case 'POST /api/accounts/{id}/dispositions':
    case 'PATCH /api/accounts/{id}/dispositions/{childId}': {
      const parentId =
        path.childId !== undefined
          ? ((await db.disposition.findUnique({ where: { id: path.childId } }))?.parentId ?? null)
          : (body?.parentId ?? null);
      const sibling = await db.disposition.findFirst({ where: { accountId: path.id, parentId, name, ...other(path.childId) } });
      return sibling ? 'a disposition there has that name' : null;
    }
    case 'POST /api/accounts/{id}/calendars':
    case 'PATCH /api/accounts/{id}/calendars/{childId}':
      return name !== undefined && (await db.businessCalendar.findFirst({ where: { accountId: path.id, name, ...other(path.childId) } }))
        ? 'the account has a calendar of that name'
        : null;
    case 'POST /api/accounts/{id}/sla-policies':
    case 'PATCH /api/accounts/{id}/sla-policies/{childId}':
      return name !== undefined && (await db.slaPolicy.findFirst({ where: { accountId: path.id, name, ...other(path.childId) } }))
        ? 'the account has an SLA policy of that name'
        : null;
    case 'DELETE /api/accounts/{id}/calendars/{childId}': {
      const plan = await db.actionPlanVersion.findFirst({ where: { accountId: path.id }, orderBy: { version: 'desc' } });
      const named = (plan?.steps as Array<{ calendarId?: number }> | undefined)?.some((step) => step.calendarId === path.childId);
      return named ? 'the action plan names the calendar' : null;
    }
    case 'POST /api/demo/mail': {
      const demo = await db.emailAccount.findFirst({ where: { demo: true } });
      // The accounts of this test name no running mailbox: an active demo account's cannot be reached either.
      return demo ? (demo.active ? 'the demo mailbox is not running' : 'the demo account is inactive') : null;
    }
    case 'POST /api/offers/{id}/accept':
    case 'POST /api/offers/{id}/reject': {
      const offer = await db.offer.findUnique({ where: { id: path.id } });
      return offer && (offer.state !== 'pending' || offer.expiresAt <= new Date()) ? `the offer is ${offer.state}` : null;
    }
    case 'POST /api/interactions/{id}/reply':
    case 'POST /api/interactions/{id}/forward':
    case 'POST /api/interactions/{id}/close':
    case 'POST /api/interactions/{id}/transfer':
    case 'POST /api/interactions/{id}/reassign': {
      const interaction = await db.interaction.findUnique({ where: { id: path.id } });
      if (!interaction?.routingWorkflowId) return 'nobody holds the interaction';
      return (await running(interaction.routingWorkflowId)) ? null : 'its routing workflow is not running';
    }
    case 'POST /api/accounts/{id}/oauth2/authorize': {
      const account = await db.emailAccount.findUnique({ where: { id: path.id } });
      return account && !account.oauth2 ? 'the account has no OAuth2 settings' : null;
    }
    case 'POST /api/interactions/{id}/pick-up':
    case 'POST /api/interactions/{id}/requeue': {
      const interaction = await db.interaction.findUnique({ where: { id: path.id } });
      if (interaction?.routingState !== 'unassigned' && interaction?.routingState !== 'ended-without-agent')
        return 'the interaction is not waiting unassigned';
      if (interaction.routingWorkflowId && !(await running(interaction.routingWorkflowId))) return 'its routing workflow is not running';
      return null;
    }
    case 'POST /api/interactions/{id}/uncertain-sends/{childId}': {
      const row = await db.outboundEmail.findUnique({ where: { id: path.childId } });
      return row && row.status !== 'uncertain' ? `the email is ${row.status}, not uncertain` : null;
    }
    case 'POST /api/quarantine/{id}/reingest': {
      const row = await db.quarantinedEmail.findUnique({ where: { id: path.id } });
      return row && !row.rawSha256 ? 'no raw source' : null;
    }
  }
  return null;
}
