/**
 * What the running API accepts, read from its public OpenAPI document, so the client only sends fields
 * and calls routes this server has (e.g. attachments on replies, forward, reassign).
 */
interface OpenApiDocument {
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface Capabilities {
  replyFields: Set<string>;
  forward: boolean;
  forwardFields: Set<string>;
  reassign: boolean;
  /** The advanced search's fields and operators, as the API's InteractionSearch schema lists them. */
  searchFields: string[];
  searchOperators: string[];
}

type Schema = { properties?: Record<string, Schema>; items?: Schema; enum?: string[] };

let loaded: Promise<Capabilities> | null = null;

function requestFields(document: OpenApiDocument, path: string): Set<string> {
  const operation = document.paths[path]?.post as
    { requestBody?: { content?: Record<string, { schema?: { $ref?: string; properties?: Record<string, unknown> } }> } } | undefined;
  const schema = operation?.requestBody?.content?.['application/json']?.schema;
  const properties = schema?.$ref ? document.components?.schemas?.[schema.$ref.split('/').pop() ?? '']?.properties : schema?.properties;
  return new Set(Object.keys(properties ?? {}));
}

export function capabilities(): Promise<Capabilities> {
  loaded ??= fetch('/openapi.json')
    .then((response) => response.json() as Promise<OpenApiDocument>)
    .then((document) => ({
      replyFields: requestFields(document, '/api/interactions/{id}/reply'),
      forward: Boolean(document.paths['/api/interactions/{id}/forward']),
      forwardFields: requestFields(document, '/api/interactions/{id}/forward'),
      reassign: Boolean(document.paths['/api/interactions/{id}/reassign']),
      searchFields: document.components?.schemas?.InteractionSearch?.properties?.conditions?.items?.properties?.field?.enum ?? [],
      searchOperators: document.components?.schemas?.InteractionSearch?.properties?.conditions?.items?.properties?.operator?.enum ?? [],
    }))
    .catch(() => ({
      replyFields: new Set(['text', 'html', 'requestId']),
      forward: false,
      forwardFields: new Set<string>(),
      reassign: false,
      searchFields: [],
      searchOperators: [],
    }));
  return loaded;
}
