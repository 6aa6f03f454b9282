/**
 * /openapi.json as the document-driven tests read it: its operations (method, path, roles, parameters, body, the
 * answers it documents), its schemas with `$ref`s followed, and Ajv validators that judge requests and answers by the
 * document alone (OpenAPI 3.0: draft-04 numbers, `nullable`). Nothing here imports the API's own schemas.
 */
import Ajv, { type ValidateFunction } from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { Role } from './admin-support';

export type JsonSchema = Record<string, any>;

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

export interface Answer {
  /** The documented media type of its body (none: no body). */
  mediaType?: string;
  schema?: JsonSchema;
}

export interface Operation {
  /** `GET /api/accounts/{id}` */
  key: string;
  method: string;
  path: string;
  roles: Role[] | 'public';
  parameters: Parameter[];
  body?: JsonSchema;
  /** The largest body the route reads (`x-body-limit-bytes`): a larger one is a 413. */
  bodyLimit?: number;
  success: number;
  answers: Map<number, Answer>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, any>>;
  components: { schemas: Record<string, JsonSchema> };
}

/** Formats the document uses beyond JSON Schema's own: `time-zone` is an IANA name the runtime knows. */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * A schema whose `#/components/…` references point into the document registered as `doc`; `nullable` without a
 * `type` (a schema that takes anything) is dropped, which Ajv would refuse and which changes nothing.
 */
function inDocument(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(inDocument);
  if (typeof schema !== 'object' || schema === null) return schema;
  const entries = Object.entries(schema).filter(([key]) => !(key === 'nullable' && !('type' in schema)));
  return Object.fromEntries(
    entries.map(([key, value]) => [key, key === '$ref' && typeof value === 'string' ? `doc${value}` : inDocument(value)]),
  );
}

export class DocumentReader {
  readonly operations: Operation[];
  private readonly ajv: Ajv;
  private readonly coercing: Ajv;
  private readonly compiled = new Map<object, ValidateFunction>();

  constructor(readonly document: OpenApiDocument) {
    const make = (coerceTypes: boolean) => {
      const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes });
      addFormats(ajv);
      ajv.addFormat('time-zone', { type: 'string', validate: isTimeZone });
      ajv.addFormat('binary', true);
      ajv.addSchema({ id: 'doc', components: inDocument(document.components) });
      return ajv;
    };
    this.ajv = make(false);
    this.coercing = make(true);
    this.operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => this.operation(method, path, operation)),
    );
  }

  private operation(method: string, path: string, operation: any): Operation {
    const answers = new Map<number, Answer>();
    for (const [status, answer] of Object.entries<any>(operation.responses)) {
      const [mediaType, content] = Object.entries<any>(answer.content ?? {})[0] ?? [];
      answers.set(Number(status), { ...(mediaType ? { mediaType } : {}), ...(content?.schema ? { schema: content.schema } : {}) });
    }
    const roles: Role[] | 'public' =
      Array.isArray(operation.security) && operation.security.length === 0
        ? 'public'
        : (/Roles: ([a-z, ]+)\./.exec(operation.description ?? '')?.[1]?.split(', ') as Role[]);
    return {
      key: `${method.toUpperCase()} ${path}`,
      method: method.toUpperCase(),
      path,
      roles,
      parameters: (operation.parameters ?? []).map((parameter: any) => ({
        name: parameter.name,
        in: parameter.in,
        required: Boolean(parameter.required),
        schema: parameter.schema,
      })),
      ...(operation.requestBody ? { body: operation.requestBody.content['application/json'].schema } : {}),
      ...(operation['x-body-limit-bytes'] ? { bodyLimit: operation['x-body-limit-bytes'] } : {}),
      success: Math.min(...[...answers.keys()].filter((status) => status < 300)),
      answers,
    };
  }

  /** The schema a `$ref` names (followed until it is not one). */
  resolve(schema: JsonSchema): JsonSchema {
    let current = schema;
    while (typeof current.$ref === 'string') current = this.document.components.schemas[current.$ref.replace('#/components/schemas/', '')]!;
    return current;
  }

  private validator(schema: JsonSchema, coerce = false): ValidateFunction {
    const cache = coerce ? new Map<object, ValidateFunction>() : this.compiled;
    let validate = cache.get(schema);
    if (!validate) {
      validate = (coerce ? this.coercing : this.ajv).compile(inDocument(schema) as object);
      if (!coerce) cache.set(schema, validate);
    }
    return validate;
  }

  /** Why `value` does not match `schema`, or null. */
  problem(schema: JsonSchema, value: unknown): string | null {
    const validate = this.validator(schema);
    return validate(value) ? null : this.ajv.errorsText(validate.errors);
  }

  /** Whether a query, path or header value (text on the wire) matches its parameter's schema. */
  parameterValid(parameter: Parameter, text: string): boolean {
    const holder = { value: text };
    return this.validator({ type: 'object', properties: { value: parameter.schema } }, true)(holder);
  }

  /**
   * Why an answer does not match what the document says of the operation, or null: a status it does not list, another
   * media type, a body its schema refuses.
   */
  answerProblem(operation: Operation, status: number, contentType: string | null, body: unknown): string | null {
    const answer = operation.answers.get(status);
    if (!answer) return `status ${status} is not documented (documented: ${[...operation.answers.keys()].join(', ')})`;
    if (!answer.mediaType) return status === 204 || body === undefined || body === '' ? null : `a ${status} has no documented body`;
    const mediaType = (contentType ?? '').split(';')[0]!.trim();
    if (mediaType !== answer.mediaType) return `content-type ${contentType} is not the documented ${answer.mediaType}`;
    if (!answer.schema || !mediaType.includes('json')) return null;
    const problem = this.problem(answer.schema, body);
    return problem ? `body does not match the documented schema: ${problem}` : null;
  }
}

export async function readOpenApi(url: string): Promise<DocumentReader> {
  return new DocumentReader((await (await fetch(`${url}/openapi.json`)).json()) as OpenApiDocument);
}

/** The path with its parameters filled in, each value URL-encoded. */
export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_whole, name: string) => encodeURIComponent(values[name] ?? ''));
}

export interface Sent {
  status: number;
  contentType: string | null;
  headers: Headers;
  /** JSON parsed when it is JSON, else the text (an event stream is not read: its first bytes only). */
  body: unknown;
  text: string;
}

/**
 * fetch, sent again once when the connection it reused was closed by the server as it was being reused (its idle
 * keep-alive timeout): that race is the client's, not an answer. A connection closed twice is reported.
 */
async function fetchOnce(url: string, init: RequestInit): Promise<Response> {
  // A redirect is the operation's answer (documented as such), not the page it leads to.
  init = { redirect: 'manual', ...init };
  try {
    return await fetch(url, init);
  } catch (error) {
    const code = ((error as Error).cause as { code?: string } | undefined)?.code;
    if (code !== 'UND_ERR_SOCKET' && code !== 'ECONNRESET') throw error;
    return fetch(url, init);
  }
}

/** One request, as a client would send it; an event stream's answer is cut after its headers and first bytes. */
export async function send(
  baseUrl: string,
  request: {
    method: string;
    path: string;
    token?: string;
    query?: Record<string, string>;
    body?: unknown;
    headers?: Record<string, string>;
  },
): Promise<Sent> {
  const search = new URLSearchParams(request.query ?? {}).toString();
  const response = await fetchOnce(`${baseUrl}${request.path}${search ? `?${search}` : ''}`, {
    method: request.method,
    signal: AbortSignal.timeout(30_000),
    headers: {
      ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
      ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...request.headers,
    },
    ...(request.body !== undefined ? { body: typeof request.body === 'string' ? request.body : JSON.stringify(request.body) } : {}),
  });
  const contentType = response.headers.get('content-type');
  let text: string;
  if (contentType?.startsWith('text/event-stream')) {
    const reader = response.body!.getReader();
    const first = await reader.read();
    await reader.cancel();
    text = Buffer.from(first.value ?? []).toString('utf8');
  } else text = Buffer.from(await response.arrayBuffer()).toString('latin1');
  let body: unknown = text;
  if (contentType?.includes('json') && text !== '') {
    try {
      body = JSON.parse(Buffer.from(text, 'latin1').toString('utf8'));
    } catch {
      // not JSON after all: the answer check says so
    }
  }
  return { status: response.status, contentType, headers: response.headers, body, text };
}
