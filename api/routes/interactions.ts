/** The agent's routing actions: offers (accept / reject), replies, closing; and reading an interaction. */
import { randomUUID } from 'node:crypto';
import type { OutboundRequest } from '../../domain/email';
import { readBlob, storeBlob } from '../../store/blobs';
import { acceptOfferUpdate, closeUpdate, forwardUpdate, rejectOfferUpdate, replyUpdate } from '../../contracts/route-email';
import type { RouterContext } from '../deps';
import { requireVisibleInteraction } from '../services/accounts';
import { asConflict } from '../workflow-answers';
import { AppError, childParams, idParams, z, type AuthenticatedUser } from '../http';
import { closeSchema, forwardSchema, offerAnswerSchema, replySchema } from '../schemas';

/** `attachment` with an ASCII fallback name and the exact UTF-8 one (RFC 6266 / RFC 5987). */
function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** At most this much may be attached to one outbound email (what common SMTP servers accept). */
export const OUTBOUND_ATTACHMENTS_MAX_BYTES = 25 * 1024 * 1024;

export function registerInteractionRoutes({ route, deps }: RouterContext): void {
  const { db, temporal, links } = deps;

  const visibleInteraction = (id: number, user: AuthenticatedUser) => requireVisibleInteraction(db, id, user);

  async function ownOffer(id: number, user: AuthenticatedUser) {
    const offer = await db.offer.findUnique({ where: { id } });
    if (!offer || offer.userId !== user.id) throw AppError.notFound(`offer ${id}`);
    if (offer.state !== 'pending') throw AppError.conflict(`offer ${id} is ${offer.state}`);
    return offer;
  }

  route(
    { method: 'get', path: '/me/offers', summary: 'My pending offers', tags: ['Agent desk'], roles: ['admin', 'supervisor', 'agent'] },
    async ({ user }) => {
      const offers = await db.offer.findMany({
        where: { userId: user.id, state: 'pending' },
        include: { interaction: { include: { account: { select: { key: true, name: true } } } } },
        orderBy: { id: 'asc' },
      });
      return offers.map((offer) => ({
        id: offer.id,
        interactionId: offer.interactionId,
        accountKey: offer.interaction.account.key,
        subject: offer.interaction.subject,
        customerEmail: offer.interaction.customerEmail,
        source: offer.source,
        expiresAt: offer.expiresAt.toISOString(),
      }));
    },
  );

  route(
    {
      method: 'post',
      path: '/offers/:id/accept',
      summary: 'Accept an offer (exactly one accept wins; others get 409)',
      tags: ['Agent desk'],
      roles: ['admin', 'supervisor', 'agent'],
      params: idParams,
      body: offerAnswerSchema,
      status: 200,
    },
    async ({ params, user }) => {
      const offer = await ownOffer(params.id, user);
      const result = await asConflict(() =>
        temporal.workflow
          .getHandle(offer.workflowId)
          .executeUpdate(acceptOfferUpdate, { args: [{ reservation: offer.reservation, agentId: user.id }] }),
      );
      return { offerId: offer.id, interactionId: result.interactionId, state: 'accepted' };
    },
  );

  route(
    {
      method: 'post',
      path: '/offers/:id/reject',
      summary: 'Reject an offer; routing moves on at once',
      tags: ['Agent desk'],
      roles: ['admin', 'supervisor', 'agent'],
      params: idParams,
      body: offerAnswerSchema,
      status: 200,
    },
    async ({ params, user }) => {
      const offer = await ownOffer(params.id, user);
      await asConflict(() =>
        temporal.workflow
          .getHandle(offer.workflowId)
          .executeUpdate(rejectOfferUpdate, { args: [{ reservation: offer.reservation, agentId: user.id }] }),
      );
      return { offerId: offer.id, state: 'rejected' };
    },
  );

  route(
    {
      method: 'get',
      path: '/interactions/:id',
      summary: 'An interaction with its messages and routing history',
      tags: ['Interactions'],
      roles: ['admin', 'supervisor', 'agent'],
      params: idParams,
    },
    async ({ params, user }) => {
      const interaction = await visibleInteraction(params.id, user);
      const [messages, events] = await Promise.all([
        db.message.findMany({ where: { interactionId: interaction.id }, orderBy: { id: 'asc' }, include: { attachments: true } }),
        db.routingEvent.findMany({ where: { interactionId: interaction.id }, orderBy: { id: 'asc' } }),
      ]);
      return {
        ...interaction,
        workflowUrl:
          interaction.routingWorkflowId && links.temporalUiUrl
            ? `${links.temporalUiUrl}/namespaces/${links.namespace}/workflows/${encodeURIComponent(interaction.routingWorkflowId)}`
            : null,
        messages: messages.map(({ uidValidity, uid, ...message }) => ({
          ...message,
          uidValidity: uidValidity?.toString() ?? null,
          uid: uid?.toString() ?? null,
        })),
        events,
      };
    },
  );

  route(
    {
      method: 'get',
      path: '/interactions/:id/attachments/:childId',
      summary: "One attachment of the interaction's messages, as sent (always as a download, never rendered inline)",
      tags: ['Interactions'],
      roles: ['admin', 'supervisor', 'agent'],
      params: childParams,
    },
    async ({ params, user, response }) => {
      const interaction = await visibleInteraction(params.id, user);
      const attachment = await db.attachment.findFirst({ where: { id: params.childId, message: { interactionId: interaction.id } } });
      const content = attachment ? await readBlob(db, attachment.sha256) : null;
      if (!attachment || !content) throw AppError.notFound(`attachment ${params.childId} of interaction ${params.id}`);
      const filename = attachment.filename ?? `attachment-${attachment.id}`;
      response
        .status(200)
        // Served as bytes to save, whatever the sender claimed: an HTML or SVG "attachment" never runs in our origin.
        .type('application/octet-stream')
        .setHeader('x-content-type-options', 'nosniff')
        .setHeader('x-attachment-content-type', attachment.contentType)
        .setHeader('content-disposition', contentDisposition(filename))
        .send(content);
      return undefined;
    },
  );

  /**
   * Attachments are stored (content-addressed) before the workflow hears of them: only their names and hashes
   * travel in the update, never their bytes.
   */
  async function storeAttachments(attachments: Array<{ filename: string; contentType: string; contentBase64: string }>) {
    const decoded = attachments.map((attachment) => ({ ...attachment, content: Buffer.from(attachment.contentBase64, 'base64') }));
    const total = decoded.reduce((sum, attachment) => sum + attachment.content.length, 0);
    if (total > OUTBOUND_ATTACHMENTS_MAX_BYTES) {
      throw AppError.badRequest('attachments are too large', [
        { field: 'attachments', reason: `${total} bytes in all; at most ${OUTBOUND_ATTACHMENTS_MAX_BYTES} bytes may be sent` },
      ]);
    }
    return Promise.all(
      decoded.map(async ({ filename, contentType, content }) => ({
        filename,
        contentType,
        size: content.length,
        sha256: await storeBlob(db, content),
      })),
    );
  }

  /** The parts of a reply or forward every request shares, checked against the interaction's account. */
  async function outboundRequest(
    interaction: { accountId: number },
    user: AuthenticatedUser,
    body: z.infer<typeof replySchema>,
  ): Promise<OutboundRequest> {
    if (
      body.cannedAnswerId !== undefined &&
      !(await db.cannedAnswer.findFirst({
        where: { id: body.cannedAnswerId, OR: [{ accountId: null }, { accountId: interaction.accountId }] },
      }))
    ) {
      throw AppError.badRequest('cannedAnswerId is not a canned answer of this account', [
        { field: 'cannedAnswerId', reason: 'neither a global canned answer nor one of this account' },
      ]);
    }
    return {
      agentId: user.id,
      requestId: body.requestId ?? randomUUID(),
      text: body.text,
      ...(body.html !== undefined ? { html: body.html } : {}),
      ...(body.cannedAnswerId !== undefined ? { cannedAnswerId: body.cannedAnswerId } : {}),
      attachments: await storeAttachments(body.attachments),
    };
  }

  const sentResponse = z.object({ outboundId: z.number(), messageIdHeader: z.string() });

  route(
    {
      method: 'post',
      path: '/interactions/:id/reply',
      summary: "Reply to the customer with the account's body template (idempotent per requestId)",
      tags: ['Agent desk'],
      roles: ['admin', 'supervisor', 'agent'],
      params: idParams,
      body: replySchema,
      status: 200,
      response: sentResponse,
    },
    async ({ params, body, user }) => {
      const interaction = await visibleInteraction(params.id, user);
      if (!interaction.routingWorkflowId) throw AppError.conflict('nobody holds this interaction');
      const request = await outboundRequest(interaction, user, body);
      return asConflict(() => temporal.workflow.getHandle(interaction.routingWorkflowId!).executeUpdate(replyUpdate, { args: [request] }));
    },
  );

  route(
    {
      method: 'post',
      path: '/interactions/:id/forward',
      summary: "Forward the interaction to other recipients, with the customer's latest message when asked (idempotent per requestId)",
      tags: ['Agent desk'],
      roles: ['admin', 'supervisor', 'agent'],
      params: idParams,
      body: forwardSchema,
      status: 200,
      response: sentResponse,
    },
    async ({ params, body, user }) => {
      const interaction = await visibleInteraction(params.id, user);
      if (!interaction.routingWorkflowId) throw AppError.conflict('nobody holds this interaction');
      const request = {
        ...(await outboundRequest(interaction, user, body)),
        to: body.to,
        cc: body.cc,
        ...(body.includePreviousMessage !== undefined ? { includePreviousMessage: body.includePreviousMessage } : {}),
      };
      return asConflict(() =>
        temporal.workflow.getHandle(interaction.routingWorkflowId!).executeUpdate(forwardUpdate, { args: [request] }),
      );
    },
  );

  route(
    {
      method: 'post',
      path: '/interactions/:id/close',
      summary: 'Close an interaction (with a disposition when the account requires one)',
      tags: ['Agent desk'],
      roles: ['admin', 'supervisor', 'agent'],
      params: idParams,
      body: closeSchema,
      status: 200,
    },
    async ({ params, body, user }) => {
      const interaction = await visibleInteraction(params.id, user);
      if (!interaction.routingWorkflowId) throw AppError.conflict('this interaction is not being routed or held');
      if (
        body.dispositionId !== undefined &&
        !(await db.disposition.findFirst({ where: { id: body.dispositionId, accountId: interaction.accountId } }))
      ) {
        throw AppError.badRequest('dispositionId is not a disposition of this account', [
          { field: 'dispositionId', reason: 'not a disposition of this account' },
        ]);
      }
      return asConflict(() =>
        temporal.workflow.getHandle(interaction.routingWorkflowId!).executeUpdate(closeUpdate, {
          args: [
            {
              actorId: user.id,
              asSupervisor: user.role !== 'agent',
              ...(body.dispositionId !== undefined ? { dispositionId: body.dispositionId } : {}),
            },
          ],
        }),
      );
    },
  );
}
