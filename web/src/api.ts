/**
 * The web client's only way to the platform: the public REST API under /api. The session is the httpOnly cookie
 * POST /api/auth/login sets (the client never holds the token); every request carries the header that marks it as
 * the client's own (the API's CSRF defence, api/auth.ts). Errors arrive as application/problem+json and become
 * ApiError; a request that cannot reach the server is an ApiError with status 0, and tells the shell (Reconnecting…).
 */
import { describeProblem, describeStatus, type FieldProblem } from './error-words';

export type { FieldProblem };
export { describeProblem };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: FieldProblem[] = [],
    /** The request's method: a failed read is tried again, a failed change is the user's to repeat. */
    readonly method = 'GET',
  ) {
    super(message);
  }
}

/** Whether the API answered the last request (any answer counts); the shell shows "Reconnecting…" while it does not. */
let reachable = true;
const reachabilityListeners = new Set<(value: boolean) => void>();

export function apiReachable(): boolean {
  return reachable;
}

export function reportReachable(value: boolean): void {
  if (value === reachable) return;
  reachable = value;
  reachabilityListeners.forEach((listener) => listener(value));
}

export function onReachability(listener: (value: boolean) => void): () => void {
  reachabilityListeners.add(listener);
  return () => reachabilityListeners.delete(listener);
}

/** Sent with every request: a change authenticated by the session cookie is refused without it. */
export const CLIENT_HEADERS = { 'x-mailroute-client': 'web' };

async function send(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(`/api${path}`, {
      method,
      credentials: 'same-origin',
      ...(timeoutMs !== undefined ? { signal: AbortSignal.timeout(timeoutMs) } : {}),
      headers: { ...CLIENT_HEADERS, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (failure) {
    // fetch rejects only when no answer came (server down, network gone); the browser's words say nothing useful.
    reportReachable(false);
    throw new ApiError(0, failure instanceof Error ? failure.message : String(failure), [], method);
  }
  // A proxy in front answers 502/504 while the API is away.
  reportReachable(response.status !== 502 && response.status !== 504);
  if (response.ok) return response;
  let problem: { detail?: string; title?: string; errors?: FieldProblem[] } = {};
  try {
    problem = (await response.json()) as typeof problem;
  } catch {
    // not problem+json: keep the status line
  }
  if (response.status === 401 && path !== '/auth/login') window.dispatchEvent(new Event('mailroute:unauthorized'));
  throw new ApiError(
    response.status,
    problem.detail ?? problem.title ?? `${response.status} ${response.statusText}`,
    problem.errors ?? [],
    method,
  );
}

export async function api<T>(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<T> {
  const response = await send(method, path, body, timeoutMs);
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A read that gives up after `timeoutMs` (as unreachable) so its caller can ask again, for a request nothing else may wait on. */
export const getWithin = <T>(path: string, timeoutMs: number) => api<T>('GET', path, undefined, timeoutMs);

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}) => api<T>('POST', path, body);
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const del = <T>(path: string) => api<T>('DELETE', path);

/** Fetches a file the API streams (CSV, zip) with the session, and hands it to the browser as a download. */
export async function download(method: 'GET' | 'POST', path: string, fallbackName: string, body?: unknown): Promise<void> {
  const response = await send(method, path, body);
  const disposition = response.headers.get('content-disposition') ?? '';
  const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A file the API serves, fetched with the user's authorization (for previews shown as blob: URLs). */
export async function getBlob(path: string): Promise<Blob> {
  return (await send('GET', path)).blob();
}

/** Lists answer `{ items, nextCursor }`; this follows the cursor to the end (bounded). */
export async function listAll<T>(path: string, maxPages = 20): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let pageNumber = 0; pageNumber < maxPages; pageNumber += 1) {
    const separator = path.includes('?') ? '&' : '?';
    const page: { items: T[]; nextCursor: string | null } = await get(
      `${path}${separator}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    items.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return items;
}

/** An error as sentences a person reads: the fields' problems by their labels, or what the status means. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.problems.length > 0) return error.problems.map((problem) => describeProblem(problem)).join(' ');
    return describeStatus(error.status, error.message, error.method);
  }
  return error instanceof Error ? error.message : String(error);
}

/** A file picked in the browser as the API takes attachments: base64 content. */
export async function fileToAttachment(file: File): Promise<{ filename: string; contentType: string; contentBase64: string }> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let start = 0; start < bytes.length; start += 0x8000) binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  return { filename: file.name, contentType: file.type || 'application/octet-stream', contentBase64: btoa(binary) };
}
