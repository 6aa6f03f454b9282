/** The admin's side of the API, as `npm start` uses it to make and watch the demo account. */
export interface AdminApi {
  call(method: string, route: string, body?: unknown, headers?: Record<string, string>): Promise<ApiAnswer>;
}

export interface ApiAnswer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON answers of several routes
  etag: string | null;
}

export function adminApi(apiUrl: string, email: string, password: string): AdminApi {
  let token: string | undefined;
  const send = async (method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> => {
    const response = await fetch(`${apiUrl}${route}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, etag: response.headers.get('etag') };
  };
  const logIn = async () => {
    const answer = await send('POST', '/api/auth/login', { email, password });
    if (answer.status !== 200) throw new Error(`the admin could not log in (${answer.status}): ${JSON.stringify(answer.body)}`);
    token = answer.body.token as string;
  };
  return {
    async call(method, route, body, headers) {
      if (!token) await logIn();
      let answer = await send(method, route, body, headers);
      if (answer.status === 401) {
        await logIn();
        answer = await send(method, route, body, headers);
      }
      return answer;
    },
  };
}

/** The answer's body, or an error naming the call when the status is not one of `expected`. */
export async function expectStatus(answer: Promise<ApiAnswer>, expected: number[], what: string): Promise<ApiAnswer> {
  const settled = await answer;
  if (!expected.includes(settled.status)) throw new Error(`${what}: ${settled.status} ${JSON.stringify(settled.body)}`);
  return settled;
}
