import { builtinAssistant, tokenize } from '../../domain/assistant';
import { summariseOpenInteractions } from '../../domain/realtime';

describe('built-in assistant (text similarity)', () => {
  const candidates = [
    {
      kind: 'canned-answer' as const,
      id: 1,
      title: 'Refund policy',
      text: 'Refunds are issued within 14 days of the return reaching our warehouse.',
    },
    {
      kind: 'canned-answer' as const,
      id: 2,
      title: 'Shipping times',
      text: 'Orders ship within two business days; tracking follows by email.',
    },
    { kind: 'past-reply' as const, id: 3, title: 'Re: password', text: 'You can reset your password from the login page.' },
  ];

  it('ranks the canned answer that shares the message’s words first', () => {
    const suggestions = builtinAssistant.suggest('When will I get my refund for the return?', candidates, 3);
    expect(suggestions[0]!.id).toBe(1);
    expect(suggestions.every((suggestion, index) => index === 0 || suggestion.score <= suggestions[index - 1]!.score)).toBe(true);
  });

  it('suggests past replies too, and nothing unrelated', () => {
    const suggestions = builtinAssistant.suggest('I forgot my password', candidates, 3);
    expect(suggestions.map((suggestion) => suggestion.id)).toEqual([3]);
  });

  it('drops stop words and folds accents, so café matches cafe', () => {
    expect(tokenize('The café is CLOSED for the day')).toEqual(['cafe', 'closed', 'day']);
  });
});

describe('realtime account view', () => {
  it('counts waiting, offered and in-progress interactions per queue and agent, with the longest wait', () => {
    const now = Date.parse('2026-11-24T12:00:00Z');
    const at = (secondsAgo: number) => new Date(now - secondsAgo * 1000);
    const view = summariseOpenInteractions(
      [
        { routingState: 'waiting-for-agents', queueId: 1, agentId: null, lastMessageAt: at(90) },
        { routingState: 'offered', queueId: 1, agentId: null, lastMessageAt: at(30) },
        { routingState: 'accepted', queueId: 1, agentId: 7, lastMessageAt: at(600) },
        { routingState: 'offered-to-assigned-agent', queueId: null, agentId: 8, lastMessageAt: at(5) },
      ],
      now,
    );
    expect(view).toEqual({
      waiting: 1,
      offered: 2,
      inProgress: 1,
      longestWaitSeconds: 90,
      queues: [
        { id: 1, waiting: 1, offered: 1, inProgress: 1, longestWaitSeconds: 90 },
        { id: null, waiting: 0, offered: 1, inProgress: 0, longestWaitSeconds: 5 },
      ],
      agents: [
        { id: 7, waiting: 0, offered: 0, inProgress: 1, longestWaitSeconds: 0 },
        { id: 8, waiting: 0, offered: 1, inProgress: 0, longestWaitSeconds: 5 },
      ],
    });
  });
});
