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
  liveEvents: Pick<LiveEventHub, 'subscribe'>;
  links: { temporalUiUrl?: string; namespace: string };
}

export interface RouterContext {
  route: RouteDefiner;
  deps: ApiDeps;
}
