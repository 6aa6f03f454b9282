import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes that let an operator find an interaction's workflows in the Temporal Web UI,
 * e.g. `MailrouteAccount = "SUP" AND MailrouteState = "offered"`.
 */
export const accountKeyAttribute = defineSearchAttributeKey('MailrouteAccount', SearchAttributeType.KEYWORD);
export const queueAttribute = defineSearchAttributeKey('MailrouteQueue', SearchAttributeType.KEYWORD);
export const agentAttribute = defineSearchAttributeKey('MailrouteAgent', SearchAttributeType.KEYWORD);
export const stateAttribute = defineSearchAttributeKey('MailrouteState', SearchAttributeType.KEYWORD);
export const interactionIdAttribute = defineSearchAttributeKey('MailrouteInteractionId', SearchAttributeType.INT);
/** The worst standing of the interaction's service levels: running, at-risk, breached or met. */
export const slaAttribute = defineSearchAttributeKey('MailrouteSla', SearchAttributeType.KEYWORD);

export const mailrouteSearchAttributes = [
  accountKeyAttribute,
  queueAttribute,
  agentAttribute,
  stateAttribute,
  interactionIdAttribute,
  slaAttribute,
] as const;

/** The names and types as `temporal server start-dev --search-attribute NAME=Type` spells them. */
export const searchAttributeCliTypes: Record<string, string> = {
  MailrouteAccount: 'Keyword',
  MailrouteQueue: 'Keyword',
  MailrouteAgent: 'Keyword',
  MailrouteState: 'Keyword',
  MailrouteInteractionId: 'Int',
  MailrouteSla: 'Keyword',
};
