/**
 * The one door for HTTP requests to addresses that users configure (action plan webhooks, OAuth2 token endpoints):
 * HTTPS only, and never to this machine, private networks, link-local or cloud metadata addresses, unless the
 * operator's allow-list names the destination (MAILROUTE_OUTBOUND_ALLOW). The name is resolved once, every address
 * it resolves to is checked, and the connection goes to the address that was checked, so a DNS answer that changes
 * between the check and the connection (rebinding) cannot reach a forbidden one. Redirects are never followed.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** Why a destination is refused; the message says what to do about it. */
export class OutboundRefusedError extends Error {}

type Family = 'ipv4' | 'ipv6';

/** Addresses no configured URL may reach unless allow-listed: loopback, private, link-local, metadata and reserved. */
function forbiddenRanges(): BlockList {
  const list = new BlockList();
  const ranges: Array<[string, number, Family]> = [
    ['0.0.0.0', 8, 'ipv4'],
    ['10.0.0.0', 8, 'ipv4'],
    ['100.64.0.0', 10, 'ipv4'],
    ['127.0.0.0', 8, 'ipv4'],
    ['169.254.0.0', 16, 'ipv4'],
    ['172.16.0.0', 12, 'ipv4'],
    ['192.0.0.0', 24, 'ipv4'],
    ['192.0.2.0', 24, 'ipv4'],
    ['192.168.0.0', 16, 'ipv4'],
    ['198.18.0.0', 15, 'ipv4'],
    ['198.51.100.0', 24, 'ipv4'],
    ['203.0.113.0', 24, 'ipv4'],
    ['224.0.0.0', 3, 'ipv4'],
    ['::', 127, 'ipv6'],
    ['64:ff9b::', 96, 'ipv6'],
    ['100::', 64, 'ipv6'],
    ['2001:db8::', 32, 'ipv6'],
    ['fc00::', 7, 'ipv6'],
    ['fe80::', 10, 'ipv6'],
    ['ff00::', 8, 'ipv6'],
  ];
  for (const [network, prefix, family] of ranges) list.addSubnet(network, prefix, family);
  return list;
}

const FORBIDDEN = forbiddenRanges();

/** An IPv4 address carried in IPv6 (::ffff:a.b.c.d, ::a.b.c.d) is judged as the IPv4 address it is. */
function normalize(address: string): { address: string; family: Family } {
  const bare = address.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 6) {
    const mapped = /^(?:0*:)*(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
    if (mapped?.[1]) return { address: mapped[1], family: 'ipv4' };
    const hexMapped = /^(?:0*:)*ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(bare);
    if (hexMapped?.[1] && hexMapped[2]) {
      const high = parseInt(hexMapped[1], 16);
      const low = parseInt(hexMapped[2], 16);
      return { address: [high >> 8, high & 255, low >> 8, low & 255].join('.'), family: 'ipv4' };
    }
    return { address: bare.toLowerCase(), family: 'ipv6' };
  }
  return { address: bare, family: 'ipv4' };
}

export interface OutboundAllowList {
  hosts: Set<string>;
  addresses: BlockList;
  empty: boolean;
}

/**
 * MAILROUTE_OUTBOUND_ALLOW: comma-separated host names, addresses and CIDR ranges an operator lets configured URLs
 * reach although they are local or private (an internal webhook receiver, a test token server). Allow-listed
 * destinations may also use plain HTTP.
 */
export function parseOutboundAllowList(text: string): OutboundAllowList {
  const hosts = new Set<string>();
  const addresses = new BlockList();
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [network = '', prefixText] = entry.split('/');
    const { address, family } = normalize(network);
    if (isIP(address)) {
      const prefix = prefixText === undefined ? (family === 'ipv4' ? 32 : 128) : Number(prefixText);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 'ipv4' ? 32 : 128)) {
        throw new Error(`MAILROUTE_OUTBOUND_ALLOW: "${entry}" has an invalid prefix length`);
      }
      addresses.addSubnet(address, prefix, family);
    } else if (/^[a-z0-9.-]+$/i.test(entry)) {
      hosts.add(entry.toLowerCase());
    } else {
      throw new Error(`MAILROUTE_OUTBOUND_ALLOW: "${entry}" is neither a host name, an address nor a CIDR range`);
    }
  }
  return { hosts, addresses, empty: entries.length === 0 };
}

export interface GuardedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text(): Promise<string>;
}

export interface GuardedRequest {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

type Resolver = (hostname: string) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, found) => (error ? reject(error) : resolve(found))),
  );

const MAX_ANSWER_BYTES = 1024 * 1024;

export function createOutboundGuard(options: { allow: OutboundAllowList; resolve?: Resolver }) {
  const { allow } = options;
  const resolve = options.resolve ?? systemResolver;

  const addressAllowed = (address: string) => {
    const normalized = normalize(address);
    return allow.addresses.check(normalized.address, normalized.family);
  };
  const addressProblem = (address: string): string | null => {
    const normalized = normalize(address);
    if (addressAllowed(address)) return null;
    if (FORBIDDEN.check(normalized.address, normalized.family)) {
      return `${address} is a local, private or reserved address (an operator may allow it in MAILROUTE_OUTBOUND_ALLOW)`;
    }
    return null;
  };
  const hostAllowed = (url: URL) =>
    allow.hosts.has(url.hostname.toLowerCase()) || (isIP(normalize(url.hostname).address) !== 0 && addressAllowed(url.hostname));

  /** Why this URL may not be used, judged without DNS (a name is checked again, resolved, at each request). */
  function problem(text: string): string | null {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return 'must be a URL';
    }
    if (url.username || url.password) return 'must not carry credentials';
    const allowed = hostAllowed(url);
    const host = url.hostname.toLowerCase();
    if (!allowed && (host === 'localhost' || host.endsWith('.localhost')))
      return `${host} is this machine (an operator may allow it in MAILROUTE_OUTBOUND_ALLOW)`;
    const refused = allowed || !isIP(normalize(host).address) ? null : addressProblem(host);
    if (refused) return refused;
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowed)) return 'must be https';
    return null;
  }

  /** The addresses the connection may use: every address the name resolves to must be allowed, or none is used. */
  async function checkedAddresses(url: URL): Promise<LookupAddress[]> {
    const literal = normalize(url.hostname);
    if (isIP(literal.address)) {
      const refused = hostAllowed(url) ? null : addressProblem(url.hostname);
      if (refused) throw new OutboundRefusedError(refused);
      return [{ address: url.hostname.replace(/^\[|\]$/g, ''), family: isIP(url.hostname.replace(/^\[|\]$/g, '')) }];
    }
    const found = await resolve(url.hostname).catch((error: Error) => {
      throw new OutboundRefusedError(`${url.hostname} could not be resolved: ${error.message}`);
    });
    if (found.length === 0) throw new OutboundRefusedError(`${url.hostname} resolved to no address`);
    if (!allow.hosts.has(url.hostname.toLowerCase())) {
      for (const entry of found) {
        const refused = addressProblem(entry.address);
        if (refused) throw new OutboundRefusedError(`${url.hostname} resolves to ${refused}`);
      }
    }
    return found;
  }

  /** One request to a configured URL; its answer is read up to 1 MiB. A 3xx is returned as it is, never followed. */
  async function request(text: string, init: GuardedRequest): Promise<GuardedResponse> {
    const refused = problem(text);
    if (refused) throw new OutboundRefusedError(`${text} ${refused}`);
    const url = new URL(text);
    const addresses = await checkedAddresses(url);
    const [first] = addresses as [LookupAddress, ...LookupAddress[]];
    const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
      if (lookupOptions.all) (callback as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
      else callback(null, first.address, first.family);
    };
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<GuardedResponse>((resolveAnswer, reject) => {
      const outgoing = transport.request(
        url,
        {
          method: init.method,
          headers: init.headers,
          lookup: pinned,
          timeout: init.timeoutMs,
          signal: AbortSignal.timeout(init.timeoutMs),
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          let size = 0;
          const body = new Promise<string>((resolveBody, rejectBody) => {
            incoming.on('data', (chunk: Buffer) => {
              size += chunk.length;
              if (size > MAX_ANSWER_BYTES) incoming.destroy(new Error(`the answer from ${url.host} is larger than 1 MiB`));
              else chunks.push(chunk);
            });
            incoming.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
            incoming.on('error', rejectBody);
          });
          body.catch(() => undefined);
          resolveAnswer({ status: incoming.statusCode ?? 0, headers: incoming.headers, text: () => body });
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error(`${url.host} did not answer within ${init.timeoutMs / 1000} s`)));
      outgoing.on('error', reject);
      outgoing.end(init.body);
    });
  }

  /** Whether the operator's allow-list names this URL's host (it may then be local, private or plain HTTP). */
  function allowListed(text: string): boolean {
    try {
      return hostAllowed(new URL(text));
    } catch {
      return false;
    }
  }

  return { problem, allowListed, request };
}

export type OutboundGuard = ReturnType<typeof createOutboundGuard>;
