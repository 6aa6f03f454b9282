/** The account's assistant suggests canned answers and similar past replies for an interaction's latest message. */
import { ASSISTANT_OFF } from '../../domain/account';
import { assistants } from '../../domain/assistant';
import type { RouterContext } from '../deps';
import { idParams, z } from '../http';

/** How many suggestions the desk shows. */
const SUGGESTIONS = 5;

const suggestionsSchema = z
  .object({
    assistant: z.string(),
    suggestions: z.array(
      z.object({
        kind: z.enum(['canned-answer', 'past-reply']),
        id: z.number().int(),
        title: z.string(),
        text: z.string(),
        score: z.number(),
      }),
    ),
  })
  .openapi('Suggestions');

export function registerSuggestionRoutes({ route, store, visibility }: RouterContext): void {
  route(
    {
      method: 'get',
      path: '/interactions/:id/suggestions',
      summary: "The account's assistant suggests canned answers and similar past replies for the latest message",
      tags: ['Agent desk'],
      roles: ['admin', 'supervisor', 'agent'],
      params: idParams,
      status: 200,
      response: suggestionsSchema,
    },
    async ({ params, user }) => {
      const [id] = await visibility.requireInteractions([params.id], user);
      const sources = await store.threads.suggestionSources(id!);
      // The admin turned the assistant off for this account: nothing is suggested (the desk shows no panel).
      if (sources.assistant === ASSISTANT_OFF) return { assistant: ASSISTANT_OFF, suggestions: [] };
      const assistant = assistants[sources.assistant ?? 'builtin'] ?? assistants.builtin!;
      const suggestions = assistant.suggest(
        `${sources.latest?.subject ?? sources.subject} ${sources.latest?.text ?? ''}`,
        [
          ...sources.cannedAnswers.map((answer) => ({
            kind: 'canned-answer' as const,
            id: answer.id,
            title: answer.name,
            text: answer.body,
          })),
          ...sources.pastReplies.map((reply) => ({
            kind: 'past-reply' as const,
            id: reply.id,
            title: reply.subject,
            text: reply.text ?? '',
          })),
        ],
        SUGGESTIONS,
      );
      return { assistant: assistant.name, suggestions };
    },
  );
}
