/**
 * An interaction's manual tags and priority, on the desk and in the supervisor's view: tags added and removed one at a
 * time, the priority (0–100, higher waits less in a queue's line) set with a number. Each change is saved at once.
 */
import { useEffect, useState } from 'preact/hooks';
import { patch } from '../api';
import { ErrorText } from '../ui';

export interface Labels {
  tags: string[];
  priority: number;
}

export function TagsPriority({
  interaction,
  onChanged,
}: {
  interaction: { id: number } & Labels;
  /** The labels as the API saved them. */
  onChanged?: (labels: Labels) => void;
}) {
  const [labels, setLabels] = useState<Labels>({ tags: interaction.tags, priority: interaction.priority });
  const [tag, setTag] = useState('');
  const [priority, setPriority] = useState(String(interaction.priority));
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  // A reload of the interaction (a live event, another user's change) shows the server's labels; a priority the
  // user is typing stays (a reload for the tag just added must not wipe it).
  useEffect(() => {
    setPriority((draft) => (draft === String(labels.priority) ? String(interaction.priority) : draft));
    setLabels({ tags: interaction.tags, priority: interaction.priority });
  }, [interaction.tags.join('\n'), interaction.priority]);
  useEffect(() => setPriority(String(interaction.priority)), [interaction.id]);

  const save = async (change: Partial<Labels>, said: string) => {
    try {
      const saved = await patch<Labels>(`/interactions/${interaction.id}`, change);
      setLabels({ tags: saved.tags, priority: saved.priority });
      setPriority(String(saved.priority));
      setError(null);
      setStatus(said);
      onChanged?.({ tags: saved.tags, priority: saved.priority });
    } catch (failure) {
      setError(failure);
    }
  };
  const idBase = `labels-${interaction.id}`;

  return (
    <section class="tags-priority" aria-labelledby={`${idBase}-title`}>
      <h3 id={`${idBase}-title`} class="sr-only">
        Tags and priority
      </h3>
      <ul class="tag-list" aria-label="Tags">
        {labels.tags.map((name) => (
          <li key={name} class="tag">
            {name}
            <button
              type="button"
              class="tag-remove"
              aria-label={`Remove tag ${name}`}
              onClick={() => void save({ tags: labels.tags.filter((other) => other !== name) }, `Tag ${name} removed.`)}
            >
              ×
            </button>
          </li>
        ))}
        {labels.tags.length === 0 && <li class="muted">No tags</li>}
      </ul>
      <form
        class="inline-form"
        aria-label="Add a tag"
        onSubmit={(event) => {
          event.preventDefault();
          const name = tag.trim();
          if (!name) return;
          setTag('');
          if (labels.tags.includes(name)) return setStatus(`Already tagged ${name}.`);
          void save({ tags: [...labels.tags, name] }, `Tag ${name} added.`);
        }}
      >
        <label for={`${idBase}-tag`} class="sr-only">
          New tag
        </label>
        <input
          id={`${idBase}-tag`}
          type="text"
          maxLength={64}
          placeholder="Add a tag"
          value={tag}
          onInput={(event) => setTag(event.currentTarget.value)}
        />
        <button type="submit" class="small">
          Add tag
        </button>
      </form>
      <form
        class="inline-form"
        aria-label="Set the priority"
        onSubmit={(event) => {
          event.preventDefault();
          void save({ priority: Number(priority) }, `Priority set to ${Number(priority)}.`);
        }}
      >
        <label for={`${idBase}-priority`}>Priority</label>
        <input
          id={`${idBase}-priority`}
          type="number"
          min={0}
          max={100}
          required
          aria-describedby={`${idBase}-priority-help`}
          value={priority}
          onInput={(event) => setPriority(event.currentTarget.value)}
        />
        <button type="submit" class="small" disabled={priority === String(labels.priority)}>
          Set priority
        </button>
        <small id={`${idBase}-priority-help`} class="muted">
          0–100; higher is offered first.
        </small>
      </form>
      <p class="sr-only" role="status">
        {status}
      </p>
      <ErrorText error={error} />
    </section>
  );
}
