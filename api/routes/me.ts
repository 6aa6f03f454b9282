/** The signed-in user: who they are, their own settings (signature), and their presence (online, paused with a reason, offline). */
import { NotFoundError } from '../../domain/errors';
import { createUserService } from '../../services/users';
import type { RouterContext } from '../deps';
import { requestToken } from '../auth';
import { ownSettingsChangeSchema, passwordChangeSchema, presenceSchema, userSchema } from '../schemas/users';

const everyone = ['admin', 'supervisor', 'agent'] as const;
const tags = ['Agent desk'];

export function registerMeRoutes({ route, store, presence, accessChanged }: RouterContext): void {
  const users = createUserService({ store, presence });

  route({ method: 'get', path: '/me', summary: 'Who am I', tags, roles: [...everyone], response: userSchema }, async ({ user }) => {
    const me = await store.users.find(user.id);
    if (!me) throw new NotFoundError(`user ${user.id}`);
    return me;
  });

  route(
    {
      method: 'patch',
      path: '/me',
      summary: 'Change your own settings: your signature (put into replies by the body template as {{agent.signature}})',
      tags,
      roles: [...everyone],
      body: ownSettingsChangeSchema,
      status: 200,
      response: userSchema,
    },
    async ({ user, body }) => store.users.updateOwn(user.id, body),
  );

  route(
    {
      method: 'put',
      path: '/me/presence',
      summary: 'Go online, pause (with a reason) or go offline',
      tags,
      roles: [...everyone],
      body: presenceSchema,
      status: 200,
      response: userSchema,
    },
    async ({ user, body }) => users.setPresence(user.id, body),
  );

  route(
    {
      method: 'put',
      path: '/me/password',
      summary: 'Change your password (with the current one); your other login sessions end',
      tags,
      roles: [...everyone],
      body: passwordChangeSchema,
      status: 204,
    },
    async ({ user, body, request }) => {
      await users.changeOwnPassword(user.id, body.currentPassword, body.newPassword, requestToken(request)?.token ?? '');
      await accessChanged([user.id]);
    },
  );
}
