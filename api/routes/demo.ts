/**
 * The demo account `npm start` makes on an empty platform: which account it is (shown with a badge), and a button's
 * worth of sample customer emails dropped into its local demo mailbox.
 */
import { createDemoService } from '../../services/demo';
import type { RouterContext } from '../deps';
import { AppError, dbId, z } from '../http';

const tags = ['Demo'];

const demoSchema = z.object({ accountId: z.number().int(), name: z.string() }).meta({ id: 'DemoAccount' });
const markDemoSchema = z.object({ accountId: dbId }).strict().meta({ id: 'DemoAccountChoice' });
const demoMailSchema = z
  .object({
    accountId: z.number().int(),
    appended: z.number().int().meta({ description: 'sample emails appended to the demo mailbox' }),
  })
  .meta({ id: 'DemoMailResult' });

export function registerDemoRoutes({ route, deps, store }: RouterContext): void {
  const demo = createDemoService({ store, secrets: deps.secrets });

  route(
    {
      method: 'get',
      path: '/demo',
      summary: 'The demo account (404 when there is none)',
      tags,
      roles: ['admin'],
      errors: [404],
      response: demoSchema,
    },
    async () => {
      const account = await store.accounts.findDemo();
      if (!account) throw AppError.notFound('demo account');
      return { accountId: account.id, name: account.name };
    },
  );

  route(
    {
      method: 'put',
      path: '/demo',
      summary: 'Mark an account as the demo account (npm start does, for the one wired to its local demo mailbox)',
      tags,
      roles: ['admin'],
      body: markDemoSchema,
      errors: [404],
      response: demoSchema,
    },
    async ({ body }) => {
      const account = await store.accounts.find(body.accountId);
      if (!account) throw AppError.notFound(`email account ${body.accountId}`);
      await store.accounts.markDemo(account.id);
      return { accountId: account.id, name: account.name };
    },
  );

  route(
    {
      method: 'post',
      path: '/demo/mail',
      summary: "Drop a few sample customer emails into the demo account's mailbox (404: no demo account; 409: it cannot take them)",
      tags,
      roles: ['admin'],
      status: 201,
      errors: [404, 409],
      response: demoMailSchema,
    },
    async () => demo.dropSampleMail(),
  );
}
