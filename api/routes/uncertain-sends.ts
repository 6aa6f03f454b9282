/**
 * Settling an email whose delivery is unknown: the holder (or the agent who wrote it) or a supervisor resends it as a
 * new email, marks it sent, or discards it. The desk lists such emails with the interaction (`uncertainSends`).
 */
import { UNCERTAIN_SEND_DECISIONS } from '../../contracts/settle-uncertain-send';
import { createUncertainSends } from '../../services/uncertain-sends';
import type { RouterContext } from '../deps';
import { childParams, z } from '../http';

const decisionSchema = z
  .object({
    decision: z.enum(UNCERTAIN_SEND_DECISIONS as ['resend', 'mark-sent', 'discard']).meta({
      description:
        'resend: a new email (its own Message-ID) goes out now; mark-sent: the email counts as delivered and joins the thread; discard: it stays unknown, settled',
    }),
  })
  .strict()
  .openapi('UncertainSendDecision');

const settledSchema = z
  .object({
    outboundId: z.number().int(),
    resolution: z.string().nullable().meta({ description: 'found-in-sent-folder, marked-sent, discarded or resent' }),
    resentAs: z
      .object({ outboundId: z.number().int(), status: z.string(), error: z.string().nullable() })
      .nullable()
      .meta({ description: 'of a resend: the new email and how it stands (sent, sending, uncertain, failed)' }),
  })
  .openapi('UncertainSendSettled');

export function registerUncertainSendRoutes({ route, deps, store, visibility }: RouterContext): void {
  const uncertainSends = createUncertainSends({ store, temporal: deps.temporal, taskQueue: deps.watchers.taskQueue });
  route(
    {
      method: 'post',
      path: '/interactions/:id/uncertain-sends/:childId',
      summary: 'Settle an email of the interaction whose delivery is unknown: resend it, mark it sent, or discard it',
      tags: ['Interactions'],
      roles: ['admin', 'supervisor', 'agent'],
      params: childParams,
      body: decisionSchema,
      status: 200,
      errors: [409],
      response: settledSchema,
    },
    async ({ params, body, user }) => {
      const interaction = await visibility.requireInteraction(params.id, user);
      return uncertainSends.decide({ interaction, outboundId: params.childId, decision: body.decision, actor: user });
    },
  );
}
