/** Logging in (an email and password for a 12-hour session token, throttled after failures) and out. */
import { bearerToken, logIn, logOut } from '../../services/auth';
import { createLoginThrottle } from '../../services/login-throttle';
import type { RouterContext } from '../deps';
import { AppError } from '../http';
import { loginResultSchema, loginSchema } from '../schemas/users';

export function registerLoginRoutes({ route, store, accessChanged }: RouterContext): void {
  const throttle = createLoginThrottle(store.loginThrottle);

  route(
    {
      method: 'post',
      path: '/auth/login',
      summary: 'Log in and receive a bearer token',
      tags: ['Auth'],
      roles: 'public',
      body: loginSchema,
      status: 200,
      errors: [401, 429],
      response: loginResultSchema,
    },
    async ({ body, request }) => {
      const address = request.socket.remoteAddress ?? 'unknown';
      await throttle.check(body.email, address);
      const login = await logIn(store, body.email, body.password);
      const user = login && (await store.users.find(login.userId));
      if (!login || !user) {
        await throttle.failed(body.email, address);
        throw AppError.unauthorized('wrong email or password');
      }
      await throttle.succeeded(body.email, address);
      return { token: login.token, user };
    },
  );

  route(
    {
      method: 'post',
      path: '/auth/logout',
      summary: 'Log out: the session (or token) used for this request ends',
      tags: ['Auth'],
      roles: ['admin', 'supervisor', 'agent'],
      status: 204,
    },
    async ({ request, user }) => {
      await logOut(store.tokens, bearerToken(request.headers.authorization) ?? '');
      await accessChanged([user.id]);
    },
  );
}
