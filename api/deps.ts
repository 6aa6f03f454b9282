import type { Client } from '@temporalio/client';
import type { OfferAnswers } from '../services/offer-answers';
import type { Presence } from '../services/presence';
import type { Visibility } from '../services/visibility';
import type { Database, Store } from '../store';
import type { Logger } from '../platform/logger';
import type { LiveEventHub } from '../platform/live-events';
import type { OutboundGuard } from '../platform/outbound';
import type { SecretBox } from '../platform/secrets';
import type { RouteDefiner } from './http';
import type { WatcherControl } from '../services/mailbox-watchers';

/** What the API is built from, once, by createApp's caller (api/server.ts or a test). */
export interface ApiDeps {
  /** Opened by the composition root; createApp hands it to the repositories and the health check only. */
  db: Database;
  temporal: Client;
  secrets: SecretBox;
  logger: Logger;
  watchers: WatcherControl;
  /** Subscribes to live events, and publishes the API's own (notes), to every API process. */
  liveEvents: Pick<LiveEventHub, 'subscribe' | 'publish'>;
  links: { temporalUiUrl?: string; namespace: string };
  /** Judges the URLs users configure (webhooks, token endpoints) before they are stored. */
  outbound: OutboundGuard;
  /** MAILROUTE_PUBLIC_URL: the address users reach the platform at (OAuth2 redirect URIs); else each request's own. */
  publicUrl?: string;
  /** MAILROUTE_METRICS_TOKEN: the bearer token that opens /metrics to other machines (unset: this machine only). */
  metricsToken?: string;
  /** How often live streams send their heartbeat (default 15 s; tests shorten it). */
  liveHeartbeatSeconds?: number;
}

/** What a route module receives: the route definer, the repositories and the use cases (never the Prisma client). */
export interface RouterContext {
  route: RouteDefiner;
  deps: Omit<ApiDeps, 'db'>;
  store: Store;
  visibility: Visibility;
  /** Presence changes reach routing: offers taken back, agents with room offered the next in line. */
  presence: Presence;
  /** Agents' answers to offers (decided in the database for runs it places). */
  offerAnswers: OfferAnswers;
  /** Tells open live streams that what these users may see changed (null: anyone's), so they check again. */
  accessChanged: (userIds: number[] | null) => Promise<void>;
}
