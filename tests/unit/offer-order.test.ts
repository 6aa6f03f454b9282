import { nextReconnectDelayMs } from '../../domain/backoff';
import { orderQueueMembers, type QueueCandidate } from '../../domain/offer-order';

const member = (agentId: number, extra: Partial<QueueCandidate> = {}): QueueCandidate => ({
  agentId,
  weight: 0,
  priority: 0,
  lastOfferAt: null,
  handledCount: 0,
  ...extra,
});
const order = (strategy: Parameters<typeof orderQueueMembers>[0], members: QueueCandidate[], rrPosition = 0) =>
  orderQueueMembers(strategy, members, { rrPosition, random: () => 0.5 });

describe('queue offer order', () => {
  it('puts lower priority numbers first, then higher weights', () => {
    expect(order('beepall', [member(1, { priority: 2 }), member(2, { weight: 1 }), member(3, { weight: 9 })])).toEqual([3, 2, 1]);
  });
  it('leastrecent offers the agent offered longest ago (never offered first)', () => {
    expect(order('leastrecent', [member(1, { lastOfferAt: 200 }), member(2, { lastOfferAt: 100 }), member(3)])).toEqual([3, 2, 1]);
  });
  it('fewestcalls offers the agent who handled fewest', () => {
    expect(order('fewestcalls', [member(1, { handledCount: 5 }), member(2, { handledCount: 1 })])).toEqual([2, 1]);
  });
  it('rrmemory continues after the agent offered last, wrapping around', () => {
    expect(order('rrmemory', [member(1), member(2), member(3)], 2)).toEqual([3, 1, 2]);
    expect(order('rrmemory', [member(1), member(2), member(3)], 3)).toEqual([1, 2, 3]);
  });
  it('random shuffles with the given source of randomness', () => {
    expect(orderQueueMembers('random', [member(1), member(2), member(3)], { rrPosition: 0, random: () => 0 })).toEqual([2, 3, 1]);
  });
});

describe('reconnect backoff', () => {
  it('starts at 2 s, grows ×1.5 and is capped at 30 s, within ±20 % jitter', () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 10].map((failures) => nextReconnectDelayMs(failures, middle))).toEqual([2000, 3000, 4500, 30000]);
    expect(nextReconnectDelayMs(1, () => 0)).toBe(1600);
    expect(nextReconnectDelayMs(1, () => 0.999)).toBeGreaterThan(2390);
    expect(nextReconnectDelayMs(20, () => 0.999)).toBe(30000);
  });
});
