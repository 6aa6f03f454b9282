import { autoreplyCc, autoreplyModeBlock } from '../../domain/autoreply';

describe('autoreply decisions', () => {
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
