/**
 * A small OAuth2 authorization server on loopback standing in for Microsoft or Google in tests: an authorize
 * endpoint that checks the client, the redirect URI and the PKCE challenge and "consents" at once (a redirect back
 * with a code), a token endpoint that checks the code verifier against the challenge and issues a refresh token
 * (and an ID token naming the user), refresh grants that mint access tokens, and the introspection endpoint a
 * Dovecot with an oauth2 passdb asks about each access token.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AuthorizationServer {
  url: string;
  authorizeUrl: string;
  tokenUrl: string;
  introspectionUrl: string;
  /** Who signs in, and how: consent given (default) or refused. */
  signIn: { user: string; consent: 'grant' | 'deny' };
  /** The client the server knows; `redirectUri` must be set before a sign-in. */
  client: { id: string; secret?: string; redirectUri?: string };
  /** Every authorize request's parameters, and every token request's form. */
  authorizeRequests: URLSearchParams[];
  tokenRequests: URLSearchParams[];
  /** Refresh tokens issued (and the user of each); access tokens minted from them. */
  refreshTokens: Map<string, string>;
  accessTokens: Map<string, string>;
  close(): Promise<void>;
}

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
const unsignedJwt = (claims: object) =>
  [{ alg: 'none', typ: 'JWT' }, claims].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.') + '.';

export async function startAuthorizationServer(options: { clientId: string; clientSecret?: string }): Promise<AuthorizationServer> {
  const codes = new Map<string, { challenge: string; redirectUri: string; user: string }>();
  const state = {
    signIn: { user: '', consent: 'grant' as 'grant' | 'deny' },
    client: { id: options.clientId, secret: options.clientSecret } as AuthorizationServer['client'],
    authorizeRequests: [] as URLSearchParams[],
    tokenRequests: [] as URLSearchParams[],
    refreshTokens: new Map<string, string>(),
    accessTokens: new Map<string, string>(),
  };
  const json = (response: ServerResponse, status: number, body: object) =>
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  function authorize(query: URLSearchParams, response: ServerResponse) {
    state.authorizeRequests.push(query);
    const problem =
      query.get('client_id') !== state.client.id
        ? 'unknown client_id'
        : query.get('redirect_uri') !== state.client.redirectUri
          ? 'redirect_uri is not registered'
          : query.get('response_type') !== 'code'
            ? 'response_type must be code'
            : query.get('code_challenge_method') !== 'S256' || !/^[\w-]{43}$/.test(query.get('code_challenge') ?? '')
              ? 'an S256 code_challenge is required'
              : null;
    // Like the providers: a bad client or redirect URI is said to the user, never redirected to.
    if (problem) return response.writeHead(400, { 'content-type': 'text/plain' }).end(problem);
    const back = new URL(state.client.redirectUri!);
    back.searchParams.set('state', query.get('state') ?? '');
    if (state.signIn.consent === 'deny') {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'The user declined to consent.');
    } else {
      const code = `code-${randomBytes(12).toString('hex')}`;
      codes.set(code, { challenge: query.get('code_challenge')!, redirectUri: query.get('redirect_uri')!, user: state.signIn.user });
      back.searchParams.set('code', code);
    }
    response.writeHead(302, { location: back.href }).end();
  }

  function token(form: URLSearchParams, response: ServerResponse) {
    state.tokenRequests.push(form);
    if (form.get('client_id') !== state.client.id || (state.client.secret && form.get('client_secret') !== state.client.secret))
      return json(response, 401, { error: 'invalid_client' });
    if (form.get('grant_type') === 'authorization_code') {
      const issued = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (!issued || issued.redirectUri !== form.get('redirect_uri'))
        return json(response, 400, { error: 'invalid_grant', error_description: 'unknown code' });
      if (s256(form.get('code_verifier') ?? '') !== issued.challenge)
        return json(response, 400, { error: 'invalid_grant', error_description: 'code_verifier does not match the challenge' });
      const refreshToken = `rt-${randomBytes(12).toString('hex')}`;
      state.refreshTokens.set(refreshToken, issued.user);
      return json(response, 200, {
        token_type: 'Bearer',
        access_token: `unused-${randomBytes(6).toString('hex')}`,
        expires_in: 3600,
        refresh_token: refreshToken,
        id_token: unsignedJwt({ email: issued.user }),
      });
    }
    const user = state.refreshTokens.get(form.get('refresh_token') ?? '');
    if (form.get('grant_type') !== 'refresh_token' || !user) return json(response, 400, { error: 'invalid_grant' });
    const accessToken = `at-${randomBytes(12).toString('hex')}`;
    state.accessTokens.set(accessToken, user);
    return json(response, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 3600 });
  }

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const form = new URLSearchParams(body);
      if (request.method === 'GET' && url.pathname === '/authorize') return authorize(url.searchParams, response);
      if (request.method === 'POST' && url.pathname === '/token') return token(form, response);
      if (request.method === 'POST' && url.pathname === '/introspect') {
        const user = state.accessTokens.get(form.get('token') ?? '');
        return json(response, 200, user ? { active: true, username: user } : { active: false });
      }
      json(response, 404, {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, {
    url,
    authorizeUrl: `${url}/authorize`,
    tokenUrl: `${url}/token`,
    introspectionUrl: `${url}/introspect`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
