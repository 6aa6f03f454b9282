import { autoreplyBlockReason, autoreplyCc, autoreplyModeBlock } from '../../domain/autoreply';

const base = { loopTags: [] as string[], headers: {}, fromAddress: 'carla@customer.test', accountAddress: 'support@example.test' };

describe('autoreply decisions', () => {
  it('answers an ordinary customer message', () => {
    expect(autoreplyBlockReason(base)).toBeNull();
  });
  it.each([
    [{ loopTags: ['auto-submitted'] }, /tagged auto-submitted/],
    [{ loopTags: ['bounce'] }, /tagged bounce/],
    [{ headers: { 'auto-submitted': 'auto-replied' } }, /Auto-Submitted/],
    [{ headers: { precedence: 'bulk' } }, /Precedence: bulk/],
    [{ headers: { 'list-id': '<news.example>' } }, /mailing list/],
    [{ headers: { 'return-path': '<>' } }, /bounce/],
    [{ fromAddress: 'MAILER-DAEMON@mx.example' }, /does not take replies/],
    [{ fromAddress: 'support@example.test' }, /this account/],
  ])('never answers auto-submitted, bulk, list, bounce or own messages (%o)', (override, reason) => {
    expect(autoreplyBlockReason({ ...base, ...override })).toMatch(reason);
  });
  it('still answers Auto-Submitted: no', () => {
    expect(autoreplyBlockReason({ ...base, headers: { 'auto-submitted': 'no' } })).toBeNull();
  });
  it('applies the modes: always, once per sender, first message only', () => {
    const seen = { earlierAutorepliesToSender: 1, earlierInboundOnInteraction: 1 };
    expect(autoreplyModeBlock('always', seen)).toBeNull();
    expect(autoreplyModeBlock('once-per-sender', seen)).toMatch(/already/);
    expect(autoreplyModeBlock('once-per-sender', { ...seen, earlierAutorepliesToSender: 0 })).toBeNull();
    expect(autoreplyModeBlock('first-message', seen)).toMatch(/first/);
    expect(autoreplyModeBlock('first-message', { ...seen, earlierInboundOnInteraction: 0 })).toBeNull();
  });
  it('reply-all copies the other recipients once, never the account or the sender', () => {
    expect(
      autoreplyCc({
        to: ['support@example.test', 'Bob@customer.test'],
        cc: ['bob@customer.test', 'carla@customer.test', 'dan@customer.test'],
        sender: 'carla@customer.test',
        accountAddress: 'SUPPORT@example.test',
      }),
    ).toEqual(['Bob@customer.test', 'dan@customer.test']);
  });
});
