/**
 * Runs that poll decide offers themselves: accept and reject are updates whose validators admit exactly one
 * winner, and agents coming and going wake or interrupt the run by signal.
 */
import { setHandler } from '@temporalio/workflow';
import { acceptOfferUpdate, agentsAvailableSignal, agentUnavailableSignal, rejectOfferUpdate } from '../../../contracts/route-email';
import { db } from '../activities';
import { installHolderUpdates, installMessageAdded, installStatusQuery } from '../held';
import type { PollingRun } from './run';

export function installHandlers(run: PollingRun): void {
  const { input, status, pending } = run;
  const { interactionId } = input;
  installStatusQuery(run);

  setHandler(agentsAvailableSignal, () => {
    run.agentsMayBeAvailable = true;
  });
  setHandler(agentUnavailableSignal, async ({ agentId }) => {
    const reservations = [...pending].filter(([, offeredAgentId]) => offeredAgentId === agentId).map(([reservation]) => reservation);
    if (reservations.length === 0) return;
    for (const reservation of reservations) pending.delete(reservation);
    await db.settleOffers({ workflowId: run.workflowId, reservations, state: 'canceled' });
  });
  installMessageAdded(run, db);

  setHandler(
    acceptOfferUpdate,
    async ({ reservation, agentId }) => {
      // Synchronously, before any other update of this activation is validated: the winner holds it and every
      // other offer stops being pending (the activity marks them rescinded).
      pending.clear();
      status.holderAgentId = agentId;
      run.setState('accepted', { agentId });
      await db.acceptOffer({ reservation, agentId, interactionId, workflowId: run.workflowId });
      return { interactionId };
    },
    {
      validator: ({ reservation, agentId }) => {
        if (status.holderAgentId !== null) {
          throw new Error(`offer ${reservation} is no longer pending: agent ${status.holderAgentId} accepted the interaction`);
        }
        if (pending.get(reservation) !== agentId) {
          throw new Error(`offer ${reservation} is no longer pending for agent ${agentId} (routing state: ${status.state})`);
        }
      },
    },
  );
  setHandler(
    rejectOfferUpdate,
    async ({ reservation }) => {
      pending.delete(reservation);
      await db.settleOffers({ workflowId: run.workflowId, reservations: [reservation], state: 'rejected' });
    },
    {
      validator: ({ reservation, agentId }) => {
        if (pending.get(reservation) !== agentId) throw new Error(`offer ${reservation} is no longer pending for agent ${agentId}`);
      },
    },
  );
  installHolderUpdates(run, db, db);
}
