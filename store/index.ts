/**
 * The store: repositories over PostgreSQL, the only code that talks to Prisma. Composition roots (worker.ts,
 * api/server.ts, tests) open the client with store/db.ts and hand it to createStore; everyone else receives
 * repositories and gets plain objects back.
 */
import type { Database } from './db';
import { createBlobStore } from './blobs';
import { createInboundEmailStore } from './inbound-email';
import { createRoutingEventStore } from './routing-events';
import { createAgentStore } from './agents';
import { createMailboxStore } from './mailboxes';
import { createOutboxStore } from './outbox';
import { createRoutingStore } from './routing';
import { createRoutingOfferStore } from './routing-offers';
import { createVisibilityStore } from './visibility';
import { createAccountStore } from './accounts';
import { createActionPlanStore } from './action-plans';
import { createCannedAnswerStore } from './canned-answers';
import { createContactStore } from './contacts';
import { createDispositionStore } from './dispositions';
import { createPauseStatusStore } from './pause-statuses';
import { createQueueStore } from './queues';
import { createSettingsStore } from './settings';
import { createTokenStore } from './tokens';
import { createUserStore } from './users';
import { createInteractionStore } from './interactions';
import { createOfferStore } from './offers';
import { createQuarantineStore } from './quarantine';
import { createThreadStore } from './threads';
import { createTransferStore } from './transfers';
import { createDispatchStore } from './dispatch';
import { createOfferAnswerStore } from './offer-answers';
import { createPlacementStore } from './placement';
import { createLoginThrottleStore } from './login-throttle';
import { createAuditStore } from './audit';
import { createRealtimeStore } from './realtime';
import { createUnassignedStore } from './unassigned';
import { createOAuth2AuthorizationStore } from './oauth2-authorizations';
import { createCalendarStore } from './calendars';
import { createReportStore } from './reports';
import { createSlaStore } from './sla';

export type { Database } from './db';

export function createStore(db: Database) {
  return {
    visibility: createVisibilityStore(db),
    accounts: createAccountStore(db),
    users: createUserStore(db),
    tokens: createTokenStore(db),
    queues: createQueueStore(db),
    dispositions: createDispositionStore(db),
    actionPlans: createActionPlanStore(db),
    cannedAnswers: createCannedAnswerStore(db),
    pauseStatuses: createPauseStatusStore(db),
    contacts: createContactStore(db),
    settings: createSettingsStore(db),
    interactions: createInteractionStore(db),
    threads: createThreadStore(db),
    offers: createOfferStore(db),
    transfers: createTransferStore(db),
    quarantine: createQuarantineStore(db),
    blobs: createBlobStore(db),
    inboundEmail: createInboundEmailStore(db),
    routingEvents: createRoutingEventStore(db),
    routing: createRoutingStore(db),
    agents: createAgentStore(db),
    routingOffers: createRoutingOfferStore(db),
    outbox: createOutboxStore(db),
    mailboxes: createMailboxStore(db),
    placement: createPlacementStore(db),
    unassigned: createUnassignedStore(db),
    dispatch: createDispatchStore(db),
    offerAnswers: createOfferAnswerStore(db),
    loginThrottle: createLoginThrottleStore(db),
    audit: createAuditStore(db),
    realtime: createRealtimeStore(db),
    oauth2Authorizations: createOAuth2AuthorizationStore(db),
    calendars: createCalendarStore(db),
    reports: createReportStore(db),
    sla: createSlaStore(db),
    /** Readiness: the database answers. */
    async ping(): Promise<void> {
      await db.$queryRaw`SELECT 1`;
    },
  };
}

export type Store = ReturnType<typeof createStore>;
