/**
 * The web client's only way to the platform: the public REST API under /api, with the bearer token
 * from POST /api/auth/login. Errors arrive as application/problem+json and become ApiError.
 */
export interface FieldProblem {
  field: string;
  reason: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: FieldProblem[] = [],
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'mailroute.token';

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  const token = storedToken();
  const response = await fetch(`/api${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (response.ok) return response;
  let problem: { detail?: string; title?: string; errors?: FieldProblem[] } = {};
  try {
    problem = (await response.json()) as typeof problem;
  } catch {
    // not problem+json: keep the status line
  }
  if (response.status === 401 && path !== '/auth/login') window.dispatchEvent(new Event('mailroute:unauthorized'));
  throw new ApiError(response.status, problem.detail ?? problem.title ?? `${response.status} ${response.statusText}`, problem.errors ?? []);
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, body);
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}) => api<T>('POST', path, body);
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const del = <T>(path: string) => api<T>('DELETE', path);

/** Fetches a file the API streams (CSV, zip) with the token, and hands it to the browser as a download. */
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

export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = error.problems.map((problem) => `${problem.field}: ${problem.reason}`).join('; ');
    return fields && !error.message.includes(fields) ? `${error.message} (${fields})` : error.message;
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
