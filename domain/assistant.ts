/**
 * The built-in offline assistant: suggests canned answers and similar past replies for a message by text
 * similarity (TF-IDF vectors, cosine). No external service; an account selects it as `assistant: "builtin"`.
 */
export interface AssistantCandidate {
  kind: 'canned-answer' | 'past-reply';
  id: number;
  title: string;
  text: string;
}

export interface AssistantSuggestion extends AssistantCandidate {
  score: number;
}

/** What an assistant must do; other assistants (an LLM, a vendor's) plug in behind the same interface. */
export interface Assistant {
  readonly name: string;
  suggest(message: string, candidates: AssistantCandidate[], limit: number): AssistantSuggestion[];
}

const STOP_WORDS = new Set(
  'a an and are as at be but by for from has have i in is it its me my of on or our so that the this to was we with you your'.split(' '),
);

export function tokenize(text: string): string[] {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .match(/\p{L}[\p{L}\p{N}]+|\p{N}+/gu) ?? []
  ).filter((token) => !STOP_WORDS.has(token));
}

function termFrequencies(tokens: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}

export const builtinAssistant: Assistant = {
  name: 'builtin',
  suggest(message, candidates, limit) {
    const documents = candidates.map((candidate) => termFrequencies(tokenize(`${candidate.title} ${candidate.text}`)));
    const query = termFrequencies(tokenize(message));
    const documentCount = documents.length + 1;
    const documentFrequency = new Map<string, number>();
    for (const document of [...documents, query])
      for (const term of document.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
    const weigh = (frequencies: Map<string, number>) => {
      const vector = new Map<string, number>();
      for (const [term, count] of frequencies)
        vector.set(term, (1 + Math.log(count)) * Math.log(1 + documentCount / (documentFrequency.get(term) ?? 1)));
      return vector;
    };
    const norm = (vector: Map<string, number>) => Math.sqrt([...vector.values()].reduce((sum, value) => sum + value * value, 0)) || 1;
    const queryVector = weigh(query);
    const queryNorm = norm(queryVector);
    return candidates
      .map((candidate, index) => {
        const vector = weigh(documents[index]!);
        let dot = 0;
        for (const [term, weight] of queryVector) dot += weight * (vector.get(term) ?? 0);
        return { ...candidate, score: Math.round((dot / (queryNorm * norm(vector))) * 1000) / 1000 };
      })
      .filter((suggestion) => suggestion.score > 0)
      .sort((a, b) => b.score - a.score || a.id - b.id)
      .slice(0, limit);
  },
};

export const assistants: Record<string, Assistant> = { builtin: builtinAssistant };
