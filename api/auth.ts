/**
 * Authentication at the edge: a bearer token (REST clients) or the session cookie login sets (the web client), in;
 * the user it stands for out, or a 401.
 *
 * The cookie is httpOnly (page scripts never see the token), SameSite=Strict (other sites' pages never send it) and
 * Secure over HTTPS. A change made with it must also come from our own pages: it carries the header only our client
 * sends (a page of another origin cannot add one without a CORS permission we never give), and the browser's
 * Sec-Fetch-Site or Origin, when present, must say same-origin. A bearer token is not sent by browsers on their own,
 * so it needs neither.
 */
import type { Request, Response } from 'express';
import { authenticateToken, bearerToken, LOGIN_TOKEN_SECONDS } from '../services/auth';
import type { TokenStore } from '../store/tokens';
import { AppError, type AuthenticatedUser } from './http';

export const SESSION_COOKIE = 'mailroute_session';
/** The header the web client sends with every request; a change authenticated by the cookie needs it. */
export const CLIENT_HEADER = 'x-mailroute-client';
const COOKIE_PATH = '/api';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The token a request carries, and how: the Authorization header wins over the cookie. */
export function requestToken(request: Request): { token: string; via: 'bearer' | 'cookie' } | undefined {
  const bearer = bearerToken(request.headers.authorization);
  if (bearer) return { token: bearer, via: 'bearer' };
  const cookie = cookieValue(request.headers.cookie, SESSION_COOKIE);
  return cookie ? { token: cookie, via: 'cookie' } : undefined;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== name) continue;
    const value = part.slice(separator + 1).trim();
    return /^[\w-]+$/.test(value) ? value : undefined;
  }
  return undefined;
}

/**
 * Refuses a request a page of another site made: by the browser's own word (Sec-Fetch-Site), or else by its Origin.
 * Clients that are not browsers send neither and pass.
 */
export function assertSameOrigin(request: Request): void {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') {
    if (site !== 'same-origin' && site !== 'none') throw AppError.forbidden(`a request from another site (${site}) is refused`);
    return;
  }
  const origin = request.headers.origin;
  if (typeof origin !== 'string') return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw AppError.forbidden('a request with an unreadable Origin is refused');
  }
  const expected = [request.headers.host, request.headers['x-forwarded-host']].filter((value) => typeof value === 'string');
  if (!expected.includes(host)) throw AppError.forbidden(`a request from another origin (${origin}) is refused`);
}

export function createAuthenticator(tokens: Pick<TokenStore, 'findByHash' | 'touch'>) {
  return async function authenticate(request: Request): Promise<AuthenticatedUser> {
    const carried = requestToken(request);
    if (!carried) throw AppError.unauthorized('a valid bearer token or session is required');
    if (carried.via === 'cookie' && !SAFE_METHODS.has(request.method)) {
      if (!request.headers[CLIENT_HEADER])
        throw AppError.forbidden(`a change made with the session cookie needs the ${CLIENT_HEADER} header`);
      assertSameOrigin(request);
    }
    const user = await authenticateToken(tokens, carried.token);
    if (!user) throw AppError.unauthorized('the token is unknown, expired or revoked');
    return user;
  };
}

/** Over HTTPS only (also behind a proxy that says so): a cookie marked Secure is never sent in the clear. */
export function isHttps(request: Request): boolean {
  return (
    request.secure ||
    String(request.headers['x-forwarded-proto'] ?? '')
      .split(',')[0]
      ?.trim() === 'https'
  );
}

export function setSessionCookie(request: Request, response: Response, token: string): void {
  response.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: isHttps(request),
    path: COOKIE_PATH,
    maxAge: LOGIN_TOKEN_SECONDS * 1000,
  });
}

export function clearSessionCookie(request: Request, response: Response): void {
  response.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: isHttps(request), path: COOKIE_PATH });
}
