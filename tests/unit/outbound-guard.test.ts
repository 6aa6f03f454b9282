/**
 * The outbound guard that webhooks and token endpoints go through: every spelling of this machine, private,
 * link-local and metadata addresses refused unless allow-listed; names checked after DNS and connected to the address
 * that was checked; plain HTTP only where allow-listed. A real HTTP server on loopback answers the allowed requests.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOutboundGuard, OutboundRefusedError, parseOutboundAllowList } from '../../platform/outbound';

const nothingAllowed = createOutboundGuard({ allow: parseOutboundAllowList('') });

describe('outbound guard', () => {
  let server: http.Server;
  let port: number;
  const seen: Array<{ host: string | undefined; method: string | undefined }> = [];

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      seen.push({ host: request.headers.host, method: request.method });
      request.resume();
      response.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([
    'https://127.0.0.1/',
    'https://localhost/',
    'https://api.localhost/',
    'https://[::1]/',
    'https://2130706433/',
    'https://0x7f.1/',
    'https://127.1/',
    'https://0.0.0.0/',
    'https://[::ffff:127.0.0.1]/',
    'https://[::ffff:7f00:1]/',
    'https://169.254.169.254/latest/meta-data/',
    'https://10.1.2.3/',
    'https://172.20.0.1/',
    'https://192.168.1.1/',
    'https://100.64.0.1/',
    'https://[fd00:ec2::254]/',
    'https://[fe80::1]/',
  ])('refuses %s without an allow-list', async (url) => {
    expect(nothingAllowed.problem(url)).toMatch(/local, private or reserved|this machine/);
    await expect(nothingAllowed.request(url, { method: 'POST', timeoutMs: 1000 })).rejects.toThrow(OutboundRefusedError);
  });

  it('asks for HTTPS, a URL and no credentials', () => {
    expect(nothingAllowed.problem('http://hooks.example.com/')).toBe('must be https');
    expect(nothingAllowed.problem('ftp://hooks.example.com/')).toBe('must be https');
    expect(nothingAllowed.problem('not a url')).toBe('must be a URL');
    expect(nothingAllowed.problem('https://user:secret@hooks.example.com/')).toBe('must not carry credentials');
    expect(nothingAllowed.problem('https://hooks.example.com/mailroute')).toBeNull();
  });

  it('checks the addresses a name resolves to, all of them', async () => {
    for (const answers of [['127.0.0.1'], ['203.0.114.7', '10.0.0.5'], ['::1']]) {
      const guard = createOutboundGuard({
        allow: parseOutboundAllowList(''),
        resolve: async () => answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      });
      await expect(guard.request('https://rebind.example.com/', { method: 'GET', timeoutMs: 1000 })).rejects.toThrow(
        /rebind\.example\.com resolves to .* is a local, private or reserved address/,
      );
    }
  });

  it('reaches an allow-listed destination, over plain HTTP too, at the address it checked', async () => {
    const guard = createOutboundGuard({ allow: parseOutboundAllowList('127.0.0.0/8') });
    const answer = await guard.request(`http://127.0.0.1:${port}/hook`, { method: 'POST', body: '{}', timeoutMs: 2000 });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('hello');

    // A name resolved once: the connection goes to the checked address, whatever a second lookup would say.
    let lookups = 0;
    const pinned = createOutboundGuard({
      allow: parseOutboundAllowList('hooks.internal'),
      resolve: async () => {
        lookups += 1;
        return [{ address: lookups === 1 ? '127.0.0.1' : '203.0.114.7', family: 4 }];
      },
    });
    seen.length = 0;
    expect((await pinned.request(`http://hooks.internal:${port}/`, { method: 'GET', timeoutMs: 2000 })).status).toBe(200);
    expect(lookups).toBe(1);
    expect(seen).toEqual([{ host: `hooks.internal:${port}`, method: 'GET' }]);
  });

  it('names a bad allow-list entry', () => {
    expect(() => parseOutboundAllowList('10.0.0.0/40')).toThrow(/10\.0\.0\.0\/40/);
    expect(() => parseOutboundAllowList('hooks internal')).toThrow(/hooks internal/);
  });
});
