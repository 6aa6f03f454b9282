/**
 * XOAUTH2 token refresh against a local token endpoint (a real HTTP server on port 0): the refresh-token
 * grant the providers expect, caching until a minute before expiry, and a clear error when refused.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOAuth2TokenSource, defaultScopes, OAuth2TokenError, tokenEndpoint } from '../../platform/oauth2';
import { createOutboundGuard, parseOutboundAllowList } from '../../platform/outbound';

const localOnly = createOutboundGuard({ allow: parseOutboundAllowList('127.0.0.1') });

describe('ingestion: OAuth2 (XOAUTH2) token refresh', () => {
  let server: Server;
  let url: string;
  const requests: URLSearchParams[] = [];
  let answer: { status: number; body: object } = { status: 200, body: {} };

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        requests.push(new URLSearchParams(body));
        response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    requests.length = 0;
  });

  it('sends a refresh-token grant and caches the access token until a minute before it expires', async () => {
    let now = 1_000_000;
    const source = createOAuth2TokenSource({ outbound: localOnly, now: () => now });
    const settings = { provider: 'microsoft' as const, clientId: 'client-1', tokenUrl: url };
    answer = { status: 200, body: { access_token: 'token-1', expires_in: 3600 } };
    expect(await source.accessToken('a', settings, { refreshToken: 'refresh-1', clientSecret: 'secret-1' })).toBe('token-1');
    expect(Object.fromEntries(requests[0]!)).toEqual({
      grant_type: 'refresh_token',
      client_id: 'client-1',
      refresh_token: 'refresh-1',
      client_secret: 'secret-1',
      scope: defaultScopes(settings).join(' '),
    });
    answer = { status: 200, body: { access_token: 'token-2', expires_in: 3600 } };
    now += 3_500_000;
    expect(await source.accessToken('a', settings, { refreshToken: 'refresh-1' })).toBe('token-1');
    expect(requests).toHaveLength(1);
    now += 60_000;
    expect(await source.accessToken('a', settings, { refreshToken: 'refresh-1' })).toBe('token-2');
    expect(requests).toHaveLength(2);
  });

  it('names the refusal of the token endpoint, and a missing refresh token', async () => {
    const source = createOAuth2TokenSource({ outbound: localOnly });
    const settings = { provider: 'google' as const, clientId: 'client-2', tokenUrl: url };
    answer = { status: 400, body: { error: 'invalid_grant' } };
    await expect(source.accessToken('b', settings, { refreshToken: 'revoked' })).rejects.toThrow(
      new OAuth2TokenError('token endpoint answered 400: invalid_grant'),
    );
    await expect(source.accessToken('c', settings, {})).rejects.toThrow(OAuth2TokenError);
  });

  it('knows the providers’ token endpoints and IMAP scopes', () => {
    expect(tokenEndpoint({ provider: 'google', clientId: 'x' })).toBe('https://oauth2.googleapis.com/token');
    expect(tokenEndpoint({ provider: 'microsoft', clientId: 'x', tenantId: 'contoso' })).toBe(
      'https://login.microsoftonline.com/contoso/oauth2/v2.0/token',
    );
    expect(defaultScopes({ provider: 'google', clientId: 'x' })).toEqual(['https://mail.google.com/']);
    expect(defaultScopes({ provider: 'microsoft', clientId: 'x' })).toContain('https://outlook.office365.com/IMAP.AccessAsUser.All');
  });
});
