/**
 * An account's action plan: immutable versions; an interaction in flight finishes on the version it started with.
 * Accounts are found through the visibility rule (admins: every one).
 */
import { NotFoundError } from '../../domain/errors';
import { publishActionPlan } from '../../services/action-plans';
import type { RouterContext } from '../deps';
import { childParams, idParams } from '../http';
import { listQuery, listResponse, page } from '../listing';
import { presentPlan } from '../presenters';
import { actionPlanSchema, actionPlanVersionSchema } from '../schemas/action-plans';

const staff = ['admin', 'supervisor'] as const;
const tags = ['Action plans'];

export function registerActionPlanRoutes({ route, deps, store, visibility }: RouterContext): void {
  route(
    {
      method: 'put',
      path: '/accounts/:id/action-plan',
      // Up to 500 steps with their templates.
      bodyLimit: '10mb',
      summary: 'Publish a new version of the account action plan',
      tags,
      roles: ['admin'],
      params: idParams,
      body: actionPlanSchema,
      status: 201,
      response: actionPlanVersionSchema,
    },
    async ({ params, body, user }) => {
      await visibility.requireAccount(params.id, user);
      return presentPlan(await publishActionPlan(store, params.id, body.steps, deps.outbound));
    },
  );

  route(
    {
      method: 'get',
      path: '/accounts/:id/action-plan',
      summary: 'The current (latest) version of the account action plan',
      tags,
      roles: [...staff],
      params: idParams,
      response: actionPlanVersionSchema,
    },
    async ({ params, user }) => {
      await visibility.requireAccount(params.id, user);
      const plan = await store.actionPlans.latest(params.id);
      if (!plan) throw new NotFoundError(`action plan of account ${params.id}`);
      return presentPlan(plan);
    },
  );

  route(
    {
      method: 'get',
      path: '/accounts/:id/action-plan/versions',
      summary: 'List the versions of the account action plan',
      tags,
      roles: [...staff],
      params: idParams,
      query: listQuery(['version', 'createdAt'] as const),
      response: listResponse(actionPlanVersionSchema),
    },
    async ({ params, query, user }) => {
      await visibility.requireAccount(params.id, user);
      return page(query, (window) => store.actionPlans.list(params.id, window), presentPlan);
    },
  );

  route(
    {
      method: 'get',
      path: '/accounts/:id/action-plan/versions/:childId',
      summary: 'Read one version of the account action plan (childId: the version number)',
      tags,
      roles: [...staff],
      params: childParams,
      response: actionPlanVersionSchema,
    },
    async ({ params, user }) => {
      await visibility.requireAccount(params.id, user);
      const plan = await store.actionPlans.version(params.id, params.childId);
      if (!plan) throw new NotFoundError(`version ${params.childId} of the action plan of account ${params.id}`);
      return presentPlan(plan);
    },
  );
}
