/** Links the API hands out to other tools. */
import type { ApiDeps } from './deps';

/** A workflow's page in Temporal's Web UI; null when the UI's address is not configured. */
export function temporalWorkflowUrl(links: ApiDeps['links'], workflowId: string): string | null {
  return links.temporalUiUrl ? `${links.temporalUiUrl}/namespaces/${links.namespace}/workflows/${encodeURIComponent(workflowId)}` : null;
}
