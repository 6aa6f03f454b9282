import type { Client } from '@temporalio/client';
import type { Database } from '../lib/db';
import type { Logger } from '../lib/logger';
import type { LiveEventHub } from '../lib/pg-events';
import type { SecretBox } from '../lib/secrets';
import type { RouteDefiner } from './http';
import type { WatcherControl } from './watchers';

/** What route modules may use. Built once by createApp's caller (api/server.ts or a test). */
export interface ApiDeps {
  db: Database;
  temporal: Client;
  secrets: SecretBox;
  logger: Logger;
  watchers: WatcherControl;
  /** Subscribes to live events, and publishes the API's own (notes), to every API process. */
  liveEvents: Pick<LiveEventHub, 'subscribe' | 'publish'>;
  links: { temporalUiUrl?: string; namespace: string };
}

export interface RouterContext {
  route: RouteDefiner;
  deps: ApiDeps;
}
