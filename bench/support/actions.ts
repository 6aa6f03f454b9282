/**
 * Temporal actions in a workflow history, counted as a Temporal Cloud bill counts them: the workflow start; each
 * activity scheduled (and each retry: an attempt above 1 on its started event); local activities as one action per
 * workflow task that ran any (their markers name the task); each signal received, and each signal this workflow sent
 * to another; each update accepted; each timer started; each search-attribute upsert. Not billed, so not counted:
 * workflow tasks, patch markers (and their TemporalChangeVersion upsert), search attributes given at start.
 * Queries, rejected updates and activity heartbeats leave no event, so no history shows them.
 */
import { temporal } from '@temporalio/proto';

export const ACTION_KINDS = [
  'workflow started',
  'activities',
  'local activity batches',
  'signals',
  'updates',
  'timers',
  'search-attribute upserts',
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export interface ActionCount {
  total: number;
  byKind: Record<ActionKind, number>;
}

type Event = Record<string, unknown> & { eventType?: unknown; eventId?: unknown };

/** 'EVENT_TYPE_TIMER_STARTED' from a JSON history, or the enum number of a fetched one. */
function typeOf(event: Event): string {
  const type = event.eventType;
  if (typeof type === 'number') return temporal.api.enums.v1.EventType[type] ?? String(type);
  const name = String(type);
  return name.startsWith('EVENT_TYPE_') ? name : `EVENT_TYPE_${name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

/** The few attribute fields the count reads, whatever the event. */
interface Attributes {
  attempt?: number;
  markerName?: string;
  workflowTaskCompletedEventId?: unknown;
  searchAttributes?: { indexedFields?: Record<string, unknown> };
}

function attributes(event: Event): Attributes {
  const key = Object.keys(event).find((name) => name.endsWith('EventAttributes') && event[name]);
  return (key ? event[key] : {}) as Attributes;
}

function upsertedFields(attrs: Attributes): string[] {
  return Object.keys(attrs.searchAttributes?.indexedFields ?? {});
}

export function countActions(events: Event[]): ActionCount {
  const byKind = Object.fromEntries(ACTION_KINDS.map((kind) => [kind, 0])) as Record<ActionKind, number>;
  const tasksWithLocalActivities = new Set<string>();
  for (const event of events) {
    const type = typeOf(event);
    const attrs = attributes(event);
    switch (type) {
      case 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED':
      case 'EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED':
        byKind['workflow started'] += 1;
        break;
      case 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED':
        byKind.activities += 1;
        break;
      case 'EVENT_TYPE_ACTIVITY_TASK_STARTED':
        byKind.activities += Math.max(0, Number(attrs.attempt ?? 1) - 1);
        break;
      case 'EVENT_TYPE_MARKER_RECORDED':
        if (attrs.markerName === 'core_local_activity') tasksWithLocalActivities.add(String(attrs.workflowTaskCompletedEventId));
        break;
      case 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED':
      case 'EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED':
        byKind.signals += 1;
        break;
      case 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED':
        byKind.updates += 1;
        break;
      case 'EVENT_TYPE_TIMER_STARTED':
        byKind.timers += 1;
        break;
      case 'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES': {
        const fields = upsertedFields(attrs);
        if (!(fields.length === 1 && fields[0] === 'TemporalChangeVersion')) byKind['search-attribute upserts'] += 1;
        break;
      }
      default:
        break;
    }
  }
  byKind['local activity batches'] = tasksWithLocalActivities.size;
  return { total: Object.values(byKind).reduce((sum, value) => sum + value, 0), byKind };
}
