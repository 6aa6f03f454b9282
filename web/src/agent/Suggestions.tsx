/** The account's assistant: canned answers and similar past replies suggested for the latest message. */
import type { AssistantSuggestion } from '../../../domain/assistant';
import { get } from '../api';
import { ErrorText, useLoad } from '../ui';

export function Suggestions({ interactionId, onUse }: { interactionId: number; onUse: (suggestion: AssistantSuggestion) => void }) {
  const suggestions = useLoad(
    () => get<{ assistant: string; suggestions: AssistantSuggestion[] }>(`/interactions/${interactionId}/suggestions`),
    [interactionId],
  );
  if (suggestions.data?.assistant === 'off') return null; // the account's admin turned the assistant off
  return (
    <section class="suggestions" aria-labelledby="suggestions-title">
      <h3 id="suggestions-title">Assistant{suggestions.data ? ` (${suggestions.data.assistant})` : ''}</h3>
      <ErrorText error={suggestions.error} />
      {suggestions.data?.suggestions.length === 0 && <p class="muted">No suggestions.</p>}
      <ul>
        {suggestions.data?.suggestions.map((suggestion) => (
          <li key={`${suggestion.kind}-${suggestion.id}`}>
            <span class="badge">{suggestion.kind === 'canned-answer' ? 'Canned answer' : 'Past reply'}</span> {suggestion.title}
            <button type="button" class="small" onClick={() => onUse(suggestion)} aria-label={`Use suggestion ${suggestion.title}`}>
              Use
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
