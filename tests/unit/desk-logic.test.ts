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
  const now = Date.parse('2026-11-24T12:00:00Z');
  const at = (secondsAgo: number) => new Date(now - secondsAgo * 1000);
  const member = (id: number, name: string, presence: 'online' | 'paused' | 'offline', pauseReason: string | null = null) => ({
    id,
    name,
    presence,
    pauseStatusId: pauseReason ? 3 : null,
    pauseReason,
    presenceSince: at(60),
  });

  it('counts an interaction as offered while an offer of it is pending, whatever its routing state, and each agent’s offers from the same rows', () => {
    const view = summariseOpenInteractions(
      [
        { id: 1, routingState: 'waiting-for-agents', queueId: 1, agentId: null, lastMessageAt: at(90) },
        // Rung to two agents: one offered interaction, one offer on each of their rows.
        { id: 2, routingState: 'offered', queueId: 1, agentId: null, lastMessageAt: at(30) },
        { id: 3, routingState: 'accepted', queueId: 1, agentId: 7, lastMessageAt: at(600) },
        // A transfer waits in "transferring" with its offer out: offered, not waiting.
        { id: 4, routingState: 'transferring', queueId: null, agentId: 7, lastMessageAt: at(5) },
        // Said offered, but its offer has ended: waiting again.
        { id: 5, routingState: 'offered-to-assigned-agent', queueId: null, agentId: 8, lastMessageAt: at(20) },
        // Nobody took them: unassigned, waiting to be picked up (an older routing left the second without a run).
        { id: 6, routingState: 'unassigned', queueId: 1, agentId: null, lastMessageAt: at(120) },
        { id: 7, routingState: 'ended-without-agent', queueId: null, agentId: null, lastMessageAt: at(10) },
      ],
      [
        { interactionId: 2, agentId: 7 },
        { interactionId: 2, agentId: 8 },
        { interactionId: 4, agentId: 8 },
        { interactionId: 99, agentId: 8 }, // of an interaction no longer open: not counted
      ],
      [member(8, 'Bob', 'paused', 'Lunch'), member(7, 'Alice', 'online'), member(9, 'Carl', 'offline')],
      now,
    );
    expect(view).toEqual({
      waiting: 2,
      unassigned: 2,
      offered: 2,
      inProgress: 1,
      longestWaitSeconds: 120,
      queues: [
        { id: 1, waiting: 1, unassigned: 1, offered: 1, inProgress: 1, longestWaitSeconds: 120 },
        { id: null, waiting: 1, unassigned: 1, offered: 1, inProgress: 0, longestWaitSeconds: 20 },
      ],
      agents: [
        {
          id: 7,
          name: 'Alice',
          presence: 'online',
          pauseStatusId: null,
          pauseReason: null,
          presenceSince: at(60).toISOString(),
          offers: 1,
          held: 1,
        },
        {
          id: 8,
          name: 'Bob',
          presence: 'paused',
          pauseStatusId: 3,
          pauseReason: 'Lunch',
          presenceSince: at(60).toISOString(),
          offers: 2,
          held: 0,
        },
        {
          id: 9,
          name: 'Carl',
          presence: 'offline',
          pauseStatusId: null,
          pauseReason: null,
          presenceSince: at(60).toISOString(),
          offers: 0,
          held: 0,
        },
      ],
    });
    // The tile's offered interactions are exactly those on the agents' rows.
    expect(view.queues.reduce((sum, queue) => sum + queue.offered, 0)).toBe(view.offered);
  });
});
