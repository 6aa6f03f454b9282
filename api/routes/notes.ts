/** Internal notes on an interaction (a supervisor spying, the holder): never sent, seen live by the thread's readers. */
import { createRoutingEvents } from '../../services/routing-events';
import type { RouterContext } from '../deps';
import { nonBlank } from '../../domain/fields';
import { idParams, z } from '../http';

const noteSchema = z
  .object({ text: nonBlank(100_000) })
  .strict()
  .openapi('InternalNote');

const noteAnswerSchema = z.object({
  id: z.number().int(),
  interactionId: z.number().int(),
  direction: z.literal('note'),
  text: z.string().nullable(),
  authorId: z.number().int(),
  createdAt: z.iso.datetime(),
});

export function registerNoteRoutes({ route, deps, store, visibility }: RouterContext): void {
  const routingEvents = createRoutingEvents({ store: store.routingEvents, events: deps.liveEvents });

  route(
    {
      method: 'post',
      path: '/interactions/:id/notes',
      summary: 'Add an internal note (never sent to the customer)',
      tags: ['Interactions'],
      roles: ['admin', 'supervisor', 'agent'],
      params: idParams,
      body: noteSchema,
      response: noteAnswerSchema,
    },
    async ({ params, body, user }) => {
      const [interactionId] = await visibility.requireInteractions([params.id], user);
      const note = await store.threads.addNote({ interactionId: interactionId!, authorId: user.id, text: body.text });
      // Whoever reads the thread live (the holder, a supervisor spying) sees the note at once.
      await routingEvents.record({
        interactionId: note.interactionId,
        messageId: note.id,
        type: 'note-added',
        detail: { authorId: user.id, noteId: note.id },
      });
      return {
        id: note.id,
        interactionId: note.interactionId,
        direction: note.direction,
        text: note.text,
        authorId: user.id,
        createdAt: note.createdAt.toISOString(),
      };
    },
  );
}
