/**
 * Logging in (an email and password for a 12-hour session token, throttled after failures) and out. The token is
 * answered for REST clients and set as an httpOnly cookie for the web client (api/auth.ts).
 */
import { logIn, logOut } from '../../services/auth';
import { assertSameOrigin, clearSessionCookie, requestToken, setSessionCookie } from '../auth';
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
      summary: 'Log in: a bearer token in the answer, and the same token as an httpOnly session cookie',
      tags: ['Auth'],
      roles: 'public',
      body: loginSchema,
      status: 200,
      errors: [401, 429],
      response: loginResultSchema,
    },
    async ({ body, request, response }) => {
      // A page of another site must not log the browser in (to an account of the attacker's choosing).
      assertSameOrigin(request);
      const address = request.socket.remoteAddress ?? 'unknown';
      await throttle.check(body.email, address);
      const login = await logIn(store, body.email, body.password);
      const user = login && (await store.users.find(login.userId));
      if (!login || !user) {
        await throttle.failed(body.email, address);
        throw AppError.unauthorized('wrong email or password');
      }
      await throttle.succeeded(body.email, address);
      setSessionCookie(request, response, login.token);
      return { token: login.token, user };
    },
  );

  route(
    {
      method: 'post',
      path: '/auth/logout',
      summary: 'Log out: the session (or token) used for this request ends, and the session cookie is cleared',
      tags: ['Auth'],
      roles: ['admin', 'supervisor', 'agent'],
      status: 204,
    },
    async ({ request, response, user }) => {
      await logOut(store.tokens, requestToken(request)?.token ?? '');
      clearSessionCookie(request, response);
      await accessChanged([user.id]);
    },
  );
}
