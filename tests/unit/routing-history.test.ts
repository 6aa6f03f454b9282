import { describeHistory } from '../../web/src/supervisor/history';

describe('routing history as sentences', () => {
  it('tells offers with their outcome and time, acceptance, transfers and closing by name', () => {
    const at = (seconds: number) => new Date(Date.parse('2026-11-30T10:00:00Z') + seconds * 1000).toISOString();
    const events = [
      { id: 1, type: 'offered', detail: { source: 'queue-step', queueId: 4, agentIds: [1] }, createdAt: at(0) },
      { id: 2, type: 'offer-timeout', detail: { agentIds: [1], reservations: ['r1-a1'] }, createdAt: at(30) },
      { id: 3, type: 'offered', detail: { source: 'queue-step', queueId: 4, agentIds: [2, 3] }, createdAt: at(31) },
      { id: 4, type: 'accepted', detail: { agentId: 2 }, createdAt: at(35) },
      { id: 5, type: 'transfer-started', detail: { fromAgentId: 2, target: { kind: 'queue', queueId: 4 } }, createdAt: at(60) },
      { id: 6, type: 'closed', detail: { actorId: 2, dispositionId: 9 }, createdAt: at(90) },
      { id: 7, type: 'mailbox-reset', detail: {}, createdAt: at(91) },
    ];
    const names = {
      agents: new Map([
        [1, 'Alice'],
        [2, 'Bob'],
        [3, 'Carl'],
      ]),
      queues: new Map([[4, 'Billing']]),
      dispositions: new Map([[9, 'Solved']]),
    };
    expect(describeHistory(events, names).map((event) => event.sentence)).toEqual([
      'Offered to Alice in queue Billing',
      'Offered to Alice — timed out after 30 s',
      'Offered to Bob and Carl in queue Billing',
      'Accepted by Bob after 4 s',
      'Transferred to queue Billing by Bob',
      'Closed by Bob as Solved',
      'Mailbox reset',
    ]);
  });
});
