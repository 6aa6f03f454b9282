import { connectionSettingsChanged } from '../../activities/imap/account-changes';

describe('what an account change means to a running mailbox watch', () => {
  const account = {
    imapHost: 'imap.example.test',
    imapPort: 993,
    imapSsl: true,
    imapUsername: 'support',
    imapPasswordEnc: 'sealed-1',
    oauth2: null as unknown,
    mailbox: 'INBOX',
    headersFilter: [] as unknown[],
    markAsUnread: false,
  };

  it('keeps the connection when only ingestion settings change (they apply to the next email)', () => {
    expect(connectionSettingsChanged(account, { ...account, headersFilter: [{ name: 'x-keep' }], markAsUnread: true })).toEqual([]);
  });

  it('connects again when the server, the login or the mailbox changes', () => {
    expect(connectionSettingsChanged(account, { ...account, mailbox: 'Support' })).toEqual(['mailbox']);
    expect(connectionSettingsChanged(account, { ...account, imapPasswordEnc: 'sealed-2', imapPort: 143 })).toEqual([
      'imapPort',
      'imapPasswordEnc',
    ]);
    expect(connectionSettingsChanged(account, { ...account, oauth2: { tokenUrl: 'https://login.example.test/token' } })).toEqual([
      'oauth2',
    ]);
  });
});
