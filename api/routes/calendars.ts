/**
 * An account's business-hours calendars, named by the action plan's working-time steps. A plan version keeps a copy
 * of each calendar it names: saving a calendar the latest version names publishes a new version with the change.
 */
import type { ActionStep } from '../../domain/action-plan-schema';
import { ConflictError, NotFoundError } from '../../domain/errors';
import { publishActionPlan } from '../../services/action-plans';
import type { CalendarRow } from '../../store/calendars';
import type { RouterContext } from '../deps';
import { checkIfMatch, childParams, etagOf, idParams } from '../http';
import { listQuery, listResponse, page } from '../listing';
import { calendarCreateSchema, calendarSchema, calendarUpdateSchema } from '../schemas/calendars';

const staff = ['admin', 'supervisor'] as const;
const tags = ['Calendars'];

function present(row: CalendarRow) {
  return {
    id: row.id,
    name: row.name,
    timeZone: row.timeZone,
    hours: row.hours,
    holidays: row.holidays,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function usesCalendar(steps: unknown, id: number): boolean {
  return (steps as ActionStep[]).some((step) => step.type === 'gotop' && step.calendarId === id);
}

export function registerCalendarRoutes({ route, deps, store, visibility }: RouterContext): void {
  async function requireCalendar(accountId: number, id: number) {
    const row = await store.calendars.find(accountId, id);
    if (!row) throw new NotFoundError(`calendar ${id} of account ${accountId}`);
    return row;
  }

  async function requireNameFree(accountId: number, name: string) {
    if (await store.calendars.findByName(accountId, name)) throw new ConflictError(`a calendar named ${name} already exists`);
  }

  route(
    {
      method: 'post',
      path: '/accounts/:id/calendars',
      summary: 'Add a business-hours calendar to an account',
      tags,
      roles: ['admin'],
      params: idParams,
      body: calendarCreateSchema,
      errors: [409],
      response: calendarSchema,
    },
    async ({ params, body, user }) => {
      await visibility.requireAccount(params.id, user);
      await requireNameFree(params.id, body.name);
      return present(await store.calendars.create(params.id, body));
    },
  );

  route(
    {
      method: 'get',
      path: '/accounts/:id/calendars',
      summary: 'List the business-hours calendars of an account',
      tags,
      roles: [...staff],
      params: idParams,
      query: listQuery(['id', 'name'] as const),
      response: listResponse(calendarSchema),
    },
    async ({ params, query, user }) => {
      await visibility.requireAccount(params.id, user);
      return page(query, (window) => store.calendars.list(params.id, window), present);
    },
  );

  route(
    {
      method: 'get',
      path: '/accounts/:id/calendars/:childId',
      summary: 'Read a business-hours calendar',
      tags,
      roles: [...staff],
      params: childParams,
      response: calendarSchema,
    },
    async ({ params, user, response }) => {
      await visibility.requireAccount(params.id, user);
      const row = await requireCalendar(params.id, params.childId);
      response.setHeader('ETag', etagOf(row.updatedAt.toISOString()));
      return present(row);
    },
  );

  route(
    {
      method: 'patch',
      path: '/accounts/:id/calendars/:childId',
      summary: 'Change a business-hours calendar (If-Match: 412 on a stale ETag); plans that name it take the change',
      tags,
      roles: ['admin'],
      params: childParams,
      body: calendarUpdateSchema,
      ifMatch: true,
      errors: [409],
      response: calendarSchema,
    },
    async ({ params, body, user, request, response }) => {
      await visibility.requireAccount(params.id, user);
      const current = await requireCalendar(params.id, params.childId);
      checkIfMatch(request, current.updatedAt.toISOString(), `calendar ${params.childId}`);
      if (body.name && body.name !== current.name) await requireNameFree(params.id, body.name);
      const row = await store.calendars.update(current.id, body);
      const plan = await store.actionPlans.latest(params.id);
      if (plan && usesCalendar(plan.steps, row.id)) await publishActionPlan(store, params.id, plan.steps as ActionStep[], deps.outbound);
      response.setHeader('ETag', etagOf(row.updatedAt.toISOString()));
      return present(row);
    },
  );

  route(
    {
      method: 'delete',
      path: '/accounts/:id/calendars/:childId',
      summary: 'Delete a business-hours calendar the current action plan does not name',
      tags,
      roles: ['admin'],
      params: childParams,
      errors: [409],
      status: 204,
    },
    async ({ params, user }) => {
      await visibility.requireAccount(params.id, user);
      const row = await requireCalendar(params.id, params.childId);
      const plan = await store.actionPlans.latest(params.id);
      if (plan && usesCalendar(plan.steps, row.id))
        throw new ConflictError(`the action plan names calendar ${row.name}: change the plan first`);
      await store.calendars.delete(row.id);
    },
  );
}
