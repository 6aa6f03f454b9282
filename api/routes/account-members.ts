/**
 * Who and what works an account: its agents (agents not added cannot see its interactions) and its queues.
 * Every route finds the account through the visibility rule; for the admin-only ones that is every account.
 */
import { InvalidInputError } from '../../domain/errors';
import type { RouterContext } from '../deps';
import { idParams, z } from '../http';
import { presentQueue } from '../presenters';
import { idListSchema } from '../schemas/accounts';
import { queueSchema } from '../schemas/queues';
import { userSchema } from '../schemas/users';

const staff = ['admin', 'supervisor'] as const;
const tags = ['Email accounts'];

export function registerAccountMemberRoutes({ route, store, visibility, accessChanged }: RouterContext): void {
  route(
    {
      method: 'get',
      path: '/accounts/:id/agents',
      summary: 'The agents added to an account',
      tags,
      roles: [...staff],
      params: idParams,
      response: z.object({ items: z.array(userSchema) }),
    },
    async ({ params, user }) => {
      await visibility.requireAccount(params.id, user);
      return { items: await store.users.ofAccount(params.id) };
    },
  );

  route(
    {
      method: 'put',
      path: '/accounts/:id/agents',
      summary: 'Set the agents added to an account',
      tags,
      roles: ['admin'],
      params: idParams,
      body: idListSchema('agentIds'),
      status: 200,
      response: z.object({ agentIds: z.array(z.number().int()) }),
    },
    async ({ params, body, user }) => {
      await visibility.requireAccount(params.id, user);
      const agentIds = [...new Set(body.agentIds as number[])];
      if ((await store.users.countExisting(agentIds)) !== agentIds.length)
        throw new InvalidInputError('agentIds names unknown users', [{ field: 'agentIds', reason: 'unknown user id' }]);
      const before = (await store.users.ofAccount(params.id)).map((member) => member.id);
      await store.accounts.setAgents(params.id, agentIds);
      await accessChanged([...new Set([...before, ...agentIds])]);
      return { agentIds };
    },
  );

  route(
    {
      method: 'get',
      path: '/accounts/:id/queues',
      summary: 'The queues of an account',
      tags,
      roles: [...staff],
      params: idParams,
      response: z.object({ items: z.array(queueSchema) }),
    },
    async ({ params, user }) => {
      await visibility.requireAccount(params.id, user);
      return { items: (await store.queues.ofAccount(params.id)).map(presentQueue) };
    },
  );

  route(
    {
      method: 'put',
      path: '/accounts/:id/queues',
      summary: 'Set the queues of an account',
      tags,
      roles: ['admin'],
      params: idParams,
      body: idListSchema('queueIds'),
      status: 200,
      response: z.object({ queueIds: z.array(z.number().int()) }),
    },
    async ({ params, body, user }) => {
      await visibility.requireAccount(params.id, user);
      const queueIds = [...new Set(body.queueIds as number[])];
      if ((await store.queues.countExisting(queueIds)) !== queueIds.length)
        throw new InvalidInputError('queueIds names unknown queues', [{ field: 'queueIds', reason: 'unknown queue id' }]);
      await store.accounts.setQueues(params.id, queueIds);
      return { queueIds };
    },
  );
}
