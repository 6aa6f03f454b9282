/**
 * Signing an account in at Microsoft 365 or Google from the account page (services/oauth2-authorization.ts): the
 * redirect URI to register, the start (the provider's address for the admin's browser), and the provider's
 * callback, which always returns the admin to the account page with the outcome.
 */
import type { Request, Response } from 'express';
import { createOAuth2Authorization, redirectUriFor, SIGN_IN_SECONDS, type SignInResult } from '../../services/oauth2-authorization';
import { NotFoundError } from '../../domain/errors';
import { isHttps, requestToken } from '../auth';
import type { RouterContext } from '../deps';
import { idParams, z } from '../http';

const tags = ['Email accounts'];
/** Lax, unlike the session cookie: the provider's redirect back is a cross-site navigation, which Strict cookies miss. */
const BROWSER_COOKIE = 'mailroute_oauth2';
const COOKIE_PATH = '/api';

const settingsSchema = z
  .object({ redirectUri: z.string().meta({ description: 'register this redirect URI at the provider' }) })
  .meta({ id: 'OAuth2SignInSettings' });

const startSchema = z
  .object({
    authorizationUrl: z.string().meta({ description: "send the admin's browser here" }),
    redirectUri: z.string(),
    expiresAt: z.string(),
  })
  .meta({ id: 'OAuth2SignInStart' });

/** Bounded so the whole address stays under Node's 16 KB header limit (a longer one is refused before any route). */
const providerText = (max: number) => z.string().max(max).optional();
/** What providers send back (others, e.g. Google's `scope` or Microsoft's `session_state`, are ignored). */
const callbackQuery = z.object({
  state: providerText(512),
  code: providerText(4096),
  error: providerText(256),
  error_description: providerText(2048),
});

function browserNonce(request: Request): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === BROWSER_COOKIE && value && /^[\w-]+$/.test(value)) return value;
  }
  return undefined;
}

export function registerOAuth2Routes({ route, deps, store }: RouterContext): void {
  const signIn = createOAuth2Authorization({
    store,
    secrets: deps.secrets,
    outbound: deps.outbound,
    watchers: deps.watchers,
    logger: deps.logger,
  });
  /** MAILROUTE_PUBLIC_URL, else the address this request came to (a platform behind no proxy). */
  const baseUrl = (request: Request) =>
    (deps.publicUrl ?? `${isHttps(request) ? 'https' : 'http'}://${request.headers.host}`).replace(/\/+$/, '');

  route(
    {
      method: 'get',
      path: '/oauth2/settings',
      summary: 'The redirect URI to register at Microsoft or Google for signing accounts in',
      tags,
      roles: ['admin'],
      response: settingsSchema,
    },
    async ({ request }) => ({ redirectUri: redirectUriFor(baseUrl(request)) }),
  );

  route(
    {
      method: 'post',
      path: '/accounts/:id/oauth2/authorize',
      summary:
        "Start signing the account in at its OAuth2 provider (authorization code with PKCE): send the admin's browser to authorizationUrl within 10 minutes",
      tags,
      roles: ['admin'],
      params: idParams,
      status: 200,
      errors: [409],
      response: startSchema,
    },
    async ({ params, request, response, user }) => {
      const account = await store.accounts.find(params.id);
      if (!account) throw new NotFoundError(`email account ${params.id}`);
      const redirectUri = redirectUriFor(baseUrl(request));
      const started = await signIn.start({
        account,
        user,
        sessionToken: requestToken(request)!.token,
        browserNonce: browserNonce(request),
        redirectUri,
      });
      response.cookie(BROWSER_COOKIE, started.browserNonce, {
        httpOnly: true,
        sameSite: 'lax',
        secure: isHttps(request),
        path: COOKIE_PATH,
        maxAge: SIGN_IN_SECONDS * 1000,
      });
      return { authorizationUrl: started.authorizationUrl, redirectUri, expiresAt: started.expiresAt.toISOString() };
    },
  );

  route(
    {
      method: 'get',
      path: '/oauth2/callback',
      summary: "The provider's redirect after a sign-in: answers 303 to the account page with the outcome (?oauth2=…)",
      tags,
      roles: 'public',
      query: callbackQuery,
      status: 303,
      produces: 'text/plain',
    },
    async ({ query, request, response }) => {
      const result = await signIn.finish({ ...query, browserNonce: browserNonce(request) });
      redirectToAccount(response, baseUrl(request), result);
    },
  );
}

function redirectToAccount(response: Response, base: string, result: SignInResult): void {
  const address = new URLSearchParams({
    ...(result.accountId ? { account: String(result.accountId) } : {}),
    oauth2: result.outcome,
    ...(result.detail ? { detail: result.detail } : {}),
  });
  response.set('cache-control', 'no-store').redirect(303, `${base}/app/admin/accounts?${address.toString()}`);
}
