/**
 * The shapes the web client reads from the API, imported from the server as types only (the bundle gets no code from
 * them): the domain's vocabulary and the API's answer schemas. The account's answer schema derives its fields at run
 * time (its inferred type does not name them), so its type is built here from the domain's account schema.
 */
import type { AccountInput } from '../../domain/account';

export type { Presence, Role } from '../../domain/people';
export type { Calendar } from '../../api/schemas/calendars';
export type { SlaPolicy } from '../../api/schemas/sla-policies';
export type { EscalationAction, SlaState, SlaTarget } from '../../domain/sla';
export type { CannedAnswer } from '../../api/schemas/canned-answers';
export type { Contact, ContactList } from '../../api/schemas/contacts';
export type {
  CustomerContext,
  InteractionDetail,
  InteractionSearchItem,
  MessageAttachment,
  PendingOffer,
  RealtimeAccountView,
  ThreadMessage,
} from '../../api/schemas/desk-answers';
export type { Disposition } from '../../api/schemas/dispositions';
export type { PauseStatus } from '../../api/schemas/pause-statuses';
export type { Queue, QueueMembers } from '../../api/schemas/queues';
export type { User } from '../../api/schemas/users';
export type { BreakdownRow, Distribution, ReportBreakdown, ReportSummary } from '../../domain/reports';

/**
 * An email account as the API answers it (EmailAccount): the settings of the account's one schema without the
 * write-only secrets, which are only said to be set.
 */
export type Account = Omit<AccountInput, 'imapPassword' | 'smtpPassword' | 'oauth2'> & {
  id: number;
  /** The demo account `npm start` made, wired to its local demo mailbox. */
  demo: boolean;
  imapPasswordSet: boolean;
  smtpPasswordSet: boolean;
  createdAt: string;
  updatedAt: string;
};

/** Every list answers one page: `{ items, nextCursor }` (null at the end). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
