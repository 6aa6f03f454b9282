/**
 * An account's SLA policies: the first by position whose conditions match an interaction measures it (its queue,
 * priority and tags, when the routing run starts). Calendars and queues they name must be the account's own.
 */
import { ConflictError, InvalidInputError, NotFoundError } from '../../domain/errors';
import type { EscalationAction } from '../../domain/sla';
import type { SlaPolicyRow } from '../../store/sla';
import type { RouterContext } from '../deps';
import { childParams, idParams } from '../http';
import { listQuery, listResponse, page } from '../listing';
import { slaPolicyCreateSchema, slaPolicyOrderSchema, slaPolicySchema, slaPolicyUpdateSchema } from '../schemas/sla-policies';

const staff = ['admin', 'supervisor'] as const;
const tags = ['SLA policies'];

function present(row: SlaPolicyRow) {
  const { accountId: _accountId, createdAt, updatedAt, ...fields } = row;
  return { ...fields, createdAt: createdAt.toISOString(), updatedAt: updatedAt.toISOString() };
}

interface References {
  calendarId?: number | null;
  matchQueueIds?: number[];
  warningActions?: EscalationAction[];
  breachActions?: EscalationAction[];
}

export function registerSlaPolicyRoutes({ route, store, visibility }: RouterContext): void {
  async function requirePolicy(accountId: number, id: number) {
    const row = await store.sla.find(accountId, id);
    if (!row) throw new NotFoundError(`SLA policy ${id} of account ${accountId}`);
    return row;
  }

  async function requireNameFree(accountId: number, name: string) {
    if (await store.sla.findByName(accountId, name)) throw new ConflictError(`an SLA policy named ${name} already exists`);
  }

  /** A calendar or queue of another account (or none) is a 400 naming the field. */
  async function checkReferences(accountId: number, body: References) {
    if (body.calendarId != null && !(await store.calendars.find(accountId, body.calendarId)))
      throw InvalidInputError.field('calendarId', `calendar ${body.calendarId} is not one of the account's`);
    const named: Array<[string, number]> = (body.matchQueueIds ?? []).map((queueId, index) => [`matchQueueIds.${index}`, queueId]);
    for (const list of ['warningActions', 'breachActions'] as const)
      (body[list] ?? []).forEach((action, index) => {
        if (action.kind === 'requeue') named.push([`${list}.${index}.queueId`, action.queueId]);
      });
    const own = new Set(await store.sla.accountQueueIds(accountId, [...new Set(named.map(([, queueId]) => queueId))]));
    const stranger = named.find(([, queueId]) => !own.has(queueId));
    if (stranger) throw InvalidInputError.field(stranger[0], `queue ${stranger[1]} does not serve this account`);
  }

  route(
    {
      method: 'post',
      path: '/accounts/:id/sla-policies',
      summary: 'Add an SLA policy to an account (position left out: after its last)',
      tags,
      roles: ['admin'],
      params: idParams,
      body: slaPolicyCreateSchema,
      errors: [409],
      response: slaPolicySchema,
    },
    async ({ params, body, user }) => {
      await visibility.requireAccount(params.id, user);
      await requireNameFree(params.id, body.name);
      await checkReferences(params.id, body);
      const position = body.position ?? (await store.sla.nextPosition(params.id));
      return present(await store.sla.create(params.id, { ...body, position }));
    },
  );

  route(
    {
      method: 'get',
      path: '/accounts/:id/sla-policies',
      summary: 'List the SLA policies of an account (by position: the first that matches measures an interaction)',
      tags,
      roles: [...staff],
      params: idParams,
      query: listQuery(['position', 'id', 'name'] as const),
      response: listResponse(slaPolicySchema),
    },
    async ({ params, query, user }) => {
      await visibility.requireAccount(params.id, user);
      return page(query, (window) => store.sla.list(params.id, window), present);
    },
  );

  route(
    {
      method: 'get',
      path: '/accounts/:id/sla-policies/:childId',
      summary: 'Read an SLA policy',
      tags,
      roles: [...staff],
      params: childParams,
      response: slaPolicySchema,
    },
    async ({ params, user }) => {
      await visibility.requireAccount(params.id, user);
      return present(await requirePolicy(params.id, params.childId));
    },
  );

  route(
    {
      method: 'patch',
      path: '/accounts/:id/sla-policies/:childId',
      summary: 'Change an SLA policy (interactions already measured keep the times they started with)',
      tags,
      roles: ['admin'],
      params: childParams,
      body: slaPolicyUpdateSchema,
      errors: [409],
      response: slaPolicySchema,
    },
    async ({ params, body, user }) => {
      await visibility.requireAccount(params.id, user);
      const current = await requirePolicy(params.id, params.childId);
      if (body.name && body.name !== current.name) await requireNameFree(params.id, body.name);
      await checkReferences(params.id, body);
      return present(await store.sla.update(current.id, body));
    },
  );

  route(
    {
      method: 'put',
      path: '/accounts/:id/sla-policies/order',
      summary: "Reorder an account's SLA policies: those named first, in the order given, then the others in theirs",
      tags,
      roles: ['admin'],
      params: idParams,
      body: slaPolicyOrderSchema,
      response: listResponse(slaPolicySchema),
    },
    async ({ params, body, user }) => {
      await visibility.requireAccount(params.id, user);
      const existing = (await store.sla.list(params.id)).map((policy) => policy.id);
      body.policyIds.forEach((id, index) => {
        if (!existing.includes(id)) throw InvalidInputError.field(`policyIds.${index}`, `SLA policy ${id} is not one of the account's`);
      });
      // A policy named twice takes the place it is first named at.
      const first = [...new Set(body.policyIds)];
      await store.sla.reorder(params.id, [...first, ...existing.filter((id) => !first.includes(id))]);
      return { items: (await store.sla.list(params.id)).map(present), nextCursor: null };
    },
  );

  route(
    {
      method: 'delete',
      path: '/accounts/:id/sla-policies/:childId',
      summary: 'Delete an SLA policy (targets it measured stay recorded, naming no policy)',
      tags,
      roles: ['admin'],
      params: childParams,
      status: 204,
    },
    async ({ params, user }) => {
      await visibility.requireAccount(params.id, user);
      await store.sla.delete((await requirePolicy(params.id, params.childId)).id);
    },
  );
}
