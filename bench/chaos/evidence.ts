/**
 * What a failed run leaves to read: for each interaction that did not end (open, or whose routing workflow is not
 * completed), its rows as the database has them and its workflow as Temporal has it, with times in seconds into the
 * run, to lay beside the run's log and the workers' log.
 */
import { routingStatusQuery, type RoutingStatus } from '../../contracts/route-email';
import type { TestPlatform } from '../../tests/support/platform';

/** Enough cases to see a pattern without burying the report. */
const MOST = 5;

export async function stuckInteractions(platform: TestPlatform, accountId: number, since: number): Promise<unknown[]> {
  const { db, temporal } = platform;
  const at = (date: Date | null | undefined) => (date ? Math.round((date.getTime() - since) / 100) / 10 : null);
  const messages = await db.message.findMany({
    where: { accountId, direction: 'inbound' },
    select: { id: true, interactionId: true, workflowId: true, createdAt: true, noticedAt: true },
  });
  const unended: typeof messages = [];
  for (const message of messages) {
    if (unended.length >= MOST) break;
    const interaction = await db.interaction.findUnique({ where: { id: message.interactionId }, select: { status: true } });
    const status = message.workflowId
      ? await temporal.workflow
          .getHandle(message.workflowId)
          .describe()
          .then((description) => description.status.name)
          .catch(() => 'NOT FOUND')
      : 'NO WORKFLOW ID';
    if (interaction?.status !== 'closed' || status !== 'COMPLETED') unended.push(message);
  }
  return Promise.all(
    unended.map(async (message) => {
      const [interaction, events, offers, outbound] = await Promise.all([
        db.interaction.findUnique({
          where: { id: message.interactionId },
          select: { id: true, status: true, routingState: true, agentId: true, routingWorkflowId: true, createdAt: true, updatedAt: true },
        }),
        db.routingEvent.findMany({ where: { interactionId: message.interactionId }, orderBy: { id: 'asc' } }),
        db.offer.findMany({ where: { interactionId: message.interactionId }, orderBy: { id: 'asc' } }),
        db.outboundEmail.findMany({ where: { interactionId: message.interactionId }, orderBy: { id: 'asc' } }),
      ]);
      const handle = message.workflowId ? temporal.workflow.getHandle(message.workflowId) : null;
      const workflow = handle
        ? await handle
            .describe()
            .then(async (description) => ({
              status: description.status.name,
              startedAt: at(description.startTime),
              routing:
                description.status.name === 'RUNNING' ? await handle.query<RoutingStatus>(routingStatusQuery).catch(() => null) : null,
            }))
            .catch((error: Error) => ({ error: error.message }))
        : null;
      return {
        message: { id: message.id, workflowId: message.workflowId, storedAt: at(message.createdAt), noticedAt: at(message.noticedAt) },
        interaction: interaction && { ...interaction, createdAt: at(interaction.createdAt), updatedAt: at(interaction.updatedAt) },
        workflow,
        events: events.map((event) => ({ at: at(event.createdAt), type: event.type, workflowId: event.workflowId, detail: event.detail })),
        offers: offers.map((offer) => ({
          id: offer.id,
          reservation: offer.reservation,
          agentId: offer.userId,
          state: offer.state,
          at: at(offer.createdAt),
          answeredAt: at(offer.respondedAt),
        })),
        outbound: outbound.map((row) => ({
          id: row.id,
          status: row.status,
          at: at(row.createdAt),
          dataStartedAt: at(row.dataStartedAt),
          sentAt: at(row.sentAt),
          error: row.error,
        })),
      };
    }),
  );
}
