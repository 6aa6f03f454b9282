/**
 * An interaction: read it with its thread (its holder's opening marks it read), mark it read or unread, set its tags
 * and priority, download one attachment, delete it (one or a selection) permanently.
 */
import { ForbiddenError } from '../../domain/errors';
import { contentDisposition } from '../../domain/filenames';
import { nonBlank } from '../../domain/fields';
import { createInteractionDeletion } from '../../services/interaction-deletion';
import { createRoutingEvents } from '../../services/routing-events';
import type { RouterContext } from '../deps';
import { presentThread } from '../desk-presenters';
import { AppError, childParams, dbId, idParams, z } from '../http';
import { temporalWorkflowUrl } from '../links';
import { interactionDetailSchema, type InteractionDetail } from '../schemas/desk-answers';

/**
 * A selection of interactions (the supervisor's list). At most 5,000: deleting them writes an audit row each, and one
 * statement holds at most 32,767 values.
 */
export const interactionIdsSchema = z.object({ ids: z.array(dbId).min(1).max(5_000) }).strict();
const bulkDeleteSchema = interactionIdsSchema
  .extend({ confirm: z.literal(true, { message: 'must be true: deletion is permanent' }) })
  .strict();
const deleteQuery = z.object({ confirm: z.literal('true', { message: 'must be "true": deletion is permanent' }) }).strict();
const deletedSchema = z.object({ deleted: z.number().int() });
const readStateSchema = z.object({ read: z.boolean() }).strict().meta({ id: 'ReadState' });
const readStateAnswerSchema = z.object({ id: z.number().int(), read: z.boolean() });

/** Manual tags and priority, as an action plan's tag and priority steps set them (same bounds); what is absent stays. */
const labelsSchema = z
  .object({
    tags: z.array(nonBlank(64)).max(50).optional().meta({ description: 'the whole list: replaces the tags (duplicates dropped)' }),
    priority: z.number().int().min(0).max(100).optional().meta({ description: 'higher waits less in a queue’s line' }),
  })
  .strict()
  .meta({ id: 'InteractionLabels' });
const labelsAnswerSchema = z.object({ id: z.number().int(), tags: z.array(z.string()), priority: z.number().int() });

export function registerInteractionRoutes({ route, deps, store, visibility, presence }: RouterContext): void {
  const deleteInteractions = createInteractionDeletion({ store, temporal: deps.temporal, presence, logger: deps.logger });
  const routingEvents = createRoutingEvents({ store: store.routingEvents, events: deps.liveEvents });
  route(
    {
      method: 'get',
      path: '/interactions/:id',
      summary: 'An interaction with its messages and routing history',
      tags: ['Interactions'],
      roles: ['admin', 'supervisor', 'agent'],
      params: idParams,
      response: interactionDetailSchema,
    },
    async ({ params, user }): Promise<InteractionDetail> => {
      let interaction = await visibility.requireInteraction(params.id, user);
      // Opened by the agent holding it, it is read; a supervisor's look (spying) leaves it as it was.
      if (interaction.agentId === user.id && !interaction.read) {
        if (await store.interactions.markReadByHolder(interaction.id, user.id, interaction.lastMessageAt))
          interaction = { ...interaction, read: true };
      }
      const workflowUrl = interaction.routingWorkflowId ? temporalWorkflowUrl(deps.links, interaction.routingWorkflowId) : null;
      return presentThread(interaction, workflowUrl, await store.threads.messagesAndEvents(interaction.id));
    },
  );

  route(
    {
      method: 'patch',
      path: '/interactions/:id',
      summary: "Set an interaction's tags and priority (anyone who may see it; a waiting interaction moves in its queue's line)",
      tags: ['Interactions'],
      roles: ['admin', 'supervisor', 'agent'],
      params: idParams,
      body: labelsSchema,
      response: labelsAnswerSchema,
    },
    async ({ params, body, user }) => {
      const interaction = await visibility.requireInteraction(params.id, user);
      const tags = body.tags === undefined ? interaction.tags : [...new Set(body.tags)];
      const priority = body.priority ?? interaction.priority;
      const tagsChanged = tags.join('\n') !== interaction.tags.join('\n');
      const priorityChanged = priority !== interaction.priority;
      if (tagsChanged) await store.routing.setTags(interaction.id, tags);
      if (priorityChanged) await store.routing.setPriority(interaction.id, priority);
      // On the interaction's history (who changed what), and live: the desk and the supervisor's list show it at once.
      if (tagsChanged || priorityChanged)
        await routingEvents.record({
          interactionId: interaction.id,
          type: 'labels-changed',
          detail: { actorId: user.id, ...(tagsChanged ? { tags } : {}), ...(priorityChanged ? { priority } : {}) },
        });
      return { id: interaction.id, tags, priority };
    },
  );

  route(
    {
      method: 'put',
      path: '/interactions/:id/read',
      summary: 'Mark the interaction read or unread (its holder, or a supervisor or admin of its account)',
      tags: ['Agent desk'],
      roles: ['admin', 'supervisor', 'agent'],
      params: idParams,
      body: readStateSchema,
      status: 200,
      response: readStateAnswerSchema,
    },
    async ({ params, body, user }) => {
      const interaction = await visibility.requireInteraction(params.id, user);
      if (user.role === 'agent' && interaction.agentId !== user.id)
        throw new ForbiddenError(`only the agent holding interaction ${interaction.id} (or a supervisor) may mark it read or unread`);
      await store.interactions.setRead(interaction.id, body.read);
      return { id: interaction.id, read: body.read };
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
      produces: 'application/octet-stream',
    },
    async ({ params, user, response }) => {
      const interaction = await visibility.requireInteraction(params.id, user);
      const attachment = await store.threads.attachment(interaction.id, params.childId);
      if (!attachment) throw AppError.notFound(`attachment ${params.childId} of interaction ${params.id}`);
      response
        .status(200)
        // Served as bytes to save, whatever the sender claimed: an HTML or SVG "attachment" never runs in our origin.
        .type('application/octet-stream')
        .setHeader('x-content-type-options', 'nosniff')
        .setHeader('x-attachment-content-type', attachment.contentType)
        .setHeader('content-disposition', contentDisposition(attachment.filename, 'attachment', `attachment-${attachment.id}`))
        .send(attachment.content);
      return undefined;
    },
  );

  route(
    {
      method: 'post',
      path: '/interactions/bulk-delete',
      summary: 'Delete selected interactions permanently, with their raw sources and attachments',
      tags: ['Interactions'],
      roles: ['admin', 'supervisor'],
      body: bulkDeleteSchema,
      status: 200,
      errors: [404],
      response: deletedSchema,
    },
    async ({ body, user }) => {
      const ids = await visibility.requireInteractions(body.ids, user);
      await deleteInteractions(ids, user.id);
      return { deleted: ids.length };
    },
  );

  route(
    {
      method: 'delete',
      path: '/interactions/:id',
      summary: 'Delete one interaction permanently (requires ?confirm=true; audited)',
      tags: ['Interactions'],
      roles: ['admin', 'supervisor'],
      params: idParams,
      query: deleteQuery,
      status: 200,
      response: deletedSchema,
    },
    async ({ params, user }) => {
      const ids = await visibility.requireInteractions([params.id], user);
      await deleteInteractions(ids, user.id);
      return { deleted: 1 };
    },
  );
}
