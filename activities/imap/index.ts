/**
 * IMAP activities: the mailbox watch (one per active account) and the copy of sent emails in the Sent folder. They
 * share the account credentials (OAuth2 access tokens are cached across both).
 */
import type { Logger } from '../../platform/logger';
import type { OAuth2TokenSource } from '../../platform/oauth2';
import type { SecretBox } from '../../platform/secrets';
import type { IngestAndRoute } from '../../services/ingest-and-route';
import type { Store } from '../../store';
import { createImapCredentials } from './connection';
import { createSentFolderActivities } from './sent-folder';
import { createWatchActivities } from './watch';

export interface ImapActivityDeps {
  store: Pick<Store, 'mailboxes' | 'inboundEmail' | 'outbox' | 'blobs'>;
  /** Stores each new email and starts its routing. */
  ingest: IngestAndRoute;
  secrets: SecretBox;
  /** Access tokens for XOAUTH2 accounts, shared with the process's SMTP logins. */
  oauth2Tokens: OAuth2TokenSource;
  logger: Logger;
  maxEmailBytes: number;
  maxAttachmentBytes: number;
}

export function createImapActivities({ secrets, oauth2Tokens, ...deps }: ImapActivityDeps) {
  const credentials = createImapCredentials(secrets, oauth2Tokens);
  return {
    ...createSentFolderActivities({ ...deps, credentials }),
    ...createWatchActivities({ ...deps, credentials }),
  };
}
