/** How the API answers when a routing workflow refuses or fails what an agent asked of it. */
import { type Client, isGrpcServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { routingStatusQuery } from '../contracts/route-email';
import { failureReason } from '../domain/errors';
import { AppError } from './http';

/** How long a request may wait for a run to hear of the accept the database decided. */
const HOLDER_NEWS_WAIT_MS = 5000;

/**
 * Asks a held interaction's routing run for something its holder (or a supervisor) may do: reply, forward, close,
 * transfer. The database decides accepts and the run hears of one by a signal sent as the agent gets the answer, so
 * a request that overtakes that signal finds a run that does not know its holder yet. While the run still waits on
 * its offer to the agent the database says holds the interaction, the holder's (or a supervisor's) request is asked
 * again (for up to 5 s: a worker under load may take seconds to hear); any other refusal is the answer.
 */
export async function askHoldingRun<T>(
  temporal: Client,
  workflowId: string,
  caller: { id: number; role: string },
  interaction: { agentId: number | null; routingState: string },
  ask: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<T>,
): Promise<T> {
  const handle = temporal.workflow.getHandle(workflowId);
  const deadline = Date.now() + HOLDER_NEWS_WAIT_MS;
  for (;;) {
    try {
      return await asConflict(() => ask(handle));
    } catch (error) {
      const heldInDatabase = interaction.routingState === 'accepted' && interaction.agentId !== null;
      const holderOrSupervisor = caller.id === interaction.agentId || caller.role !== 'agent';
      if (!heldInDatabase || !holderOrSupervisor || Date.now() > deadline || !(error instanceof AppError) || error.status !== 409)
        throw error;
      // Not heard yet: the run still waits on its offer to the agent the database says accepted.
      const status = await handle.query(routingStatusQuery).catch(() => undefined);
      if (!status?.pendingOffers.some((offer) => offer.agentId === interaction.agentId)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/** A workflow update refused by its validator (or failed) is a conflict for the caller, with the workflow's reason. */
export async function asConflict<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) throw AppError.conflict(failureReason(error));
    if (error instanceof WorkflowNotFoundError) throw AppError.conflict('the routing of this interaction has ended');
    if (workflowTaskFailing(error)) {
      // The run is being retried on a worker (after a crash or a bug being fixed): nothing was done, ask again later.
      throw new AppError(503, 'Service Unavailable', 'the routing of this interaction is recovering: retry shortly', [], {
        'Retry-After': '5',
      });
    }
    throw error;
  }
}

/** gRPC's status code 9. */
const FAILED_PRECONDITION = 9;

function workflowTaskFailing(error: unknown): boolean {
  const cause = error instanceof Error ? error.cause : undefined;
  return isGrpcServiceError(cause) && cause.code === FAILED_PRECONDITION && /workflow task in failed state/i.test(cause.details);
}
