/** The shapes the web client reads from the API (see /openapi.json). */
export type Role = 'admin' | 'supervisor' | 'agent';
export type Presence = 'online' | 'paused' | 'offline';

export interface User {
  id: number;
  name: string;
  email: string;
  role: Role;
  presence: Presence;
  pauseStatusId: number | null;
  capacity: number;
}

export interface Offer {
  id: number;
  interactionId: number;
  accountKey: string;
  subject: string;
  customerEmail: string;
  source: string;
  expiresAt: string;
}

export interface Account {
  id: number;
  name: string;
  key: string;
  emailAddress: string;
  active: boolean;
  mandatoryDisposition: boolean;
  notificationSound: boolean;
  notificationShake: boolean;
  notificationTemplate: string | null;
  transferEnabled: boolean;
  transferToAgent: boolean;
  transferToQueue: boolean;
  transferToAccount: boolean;
  [field: string]: unknown;
}

export interface Attachment {
  id: number;
  filename: string | null;
  contentType: string;
  size: number;
  inline: boolean;
}

export interface Message {
  id: number;
  direction: 'inbound' | 'outbound' | 'note';
  fromAddress: string | null;
  fromName: string | null;
  toAddresses: Array<{ address: string; name?: string }>;
  subject: string;
  text: string | null;
  htmlSanitized: string | null;
  authorId: number | null;
  receivedAt: string;
  createdAt: string;
  attachments: Attachment[];
}

export interface InteractionSummary {
  id: number;
  accountId: number;
  accountKey: string;
  subject: string;
  customerEmail: string;
  customerName: string | null;
  status: 'open' | 'closed';
  read: boolean;
  agentId: number | null;
  agentName: string | null;
  queueId: number | null;
  routingState: string;
  tags: string[];
  priority: number;
  createdAt: string;
  closedAt: string | null;
}

export interface InteractionDetail extends Omit<InteractionSummary, 'accountKey' | 'agentName'> {
  routingWorkflowId: string | null;
  workflowUrl: string | null;
  dispositionId: number | null;
  messages: Message[];
  events: Array<{ id: number; type: string; createdAt: string; detail: Record<string, unknown> }>;
}

export interface Disposition {
  id: number;
  accountId: number;
  name: string;
  level: number;
  parentId: number | null;
}

export interface CannedAnswer {
  id: number;
  accountId: number | null;
  name: string;
  body: string;
}

export interface PauseStatus {
  id: number;
  name: string;
  description: string | null;
}

export interface Queue {
  id: number;
  name: string;
  description: string | null;
  strategy: string;
  offerTimeoutSeconds: number;
}

export interface Counts {
  waiting: number;
  offered: number;
  inProgress: number;
  longestWaitSeconds: number;
}

export interface Realtime extends Counts {
  accountId: number;
  queues: Array<Counts & { id: number | null }>;
  agents: Array<Counts & { id: number }>;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
