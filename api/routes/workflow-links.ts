/** The routing workflows an interaction went through, linked to Temporal's Web UI (closed interactions too). */
import type { RouterContext } from '../deps';
import { idParams, z } from '../http';
import { temporalWorkflowUrl } from '../links';

const workflowRunsSchema = z
  .object({
    items: z.array(
      z.object({
        workflowId: z.string(),
        current: z.boolean(),
        url: z.string().nullable().openapi({ description: "in Temporal's Web UI, when its address is configured" }),
        firstEventAt: z.iso.datetime().nullable(),
        lastEventAt: z.iso.datetime().nullable(),
      }),
    ),
  })
  .openapi('InteractionWorkflows');

export function registerWorkflowLinkRoutes({ route, deps, store, visibility }: RouterContext): void {
  route(
    {
      method: 'get',
      path: '/interactions/:id/workflows',
      summary: "The routing workflows an interaction went through, newest first, with links to Temporal's Web UI (also once closed)",
      tags: ['Supervisor'],
      roles: ['admin', 'supervisor'],
      params: idParams,
      status: 200,
      response: workflowRunsSchema,
    },
    async ({ params, user }) => {
      const [id] = await visibility.requireInteractions([params.id], user);
      // A closed interaction no longer names a workflow: its routing events still do.
      const { currentWorkflowId, runs } = await store.threads.workflowRuns(id!);
      const items = runs
        .map((run) => ({
          workflowId: run.workflowId,
          current: run.workflowId === currentWorkflowId,
          url: temporalWorkflowUrl(deps.links, run.workflowId),
          firstEventAt: run.firstEventAt?.toISOString() ?? null,
          lastEventAt: run.lastEventAt?.toISOString() ?? null,
        }))
        .sort((a, b) => (b.firstEventAt ?? '').localeCompare(a.firstEventAt ?? ''));
      if (currentWorkflowId && !items.some((item) => item.current))
        items.unshift({
          workflowId: currentWorkflowId,
          current: true,
          url: temporalWorkflowUrl(deps.links, currentWorkflowId),
          firstEventAt: null,
          lastEventAt: null,
        });
      return { items };
    },
  );
}
