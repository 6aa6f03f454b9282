/** Logging in: an email and password for a 12-hour bearer token. */
import { logIn } from '../../services/auth';
import type { RouterContext } from '../deps';
import { AppError } from '../http';
import { loginResultSchema, loginSchema } from '../schemas/users';

export function registerLoginRoutes({ route, store }: RouterContext): void {
  route(
    {
      method: 'post',
      path: '/auth/login',
      summary: 'Log in and receive a bearer token',
      tags: ['Auth'],
      roles: 'public',
      body: loginSchema,
      status: 200,
      response: loginResultSchema,
    },
    async ({ body }) => {
      const login = await logIn(store, body.email, body.password);
      const user = login && (await store.users.find(login.userId));
      if (!login || !user) throw AppError.unauthorized('wrong email or password');
      return { token: login.token, user };
    },
  );
}
