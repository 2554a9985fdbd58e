import { describe, expect, it } from 'vitest';
import { keepReceivedTimeline } from '../../src/services/cluster/keepReceivedTimeline.js';
import type { NodeSnapshot } from '../../src/services/cluster/nodeSnapshot.js';
import { down, primary, receiver, standby, withServer } from './fixtures.js';

/**
 * Issue 8 item 14: once a standby's WAL receiver stops, the server falls back
 * to its last restartpoint's timeline, which can be the one before a switch
 * it already replayed ("pg3 timeline 2 → 1"). The last received one is kept.
 */
const pg2OnTimeline2 = primary('pg2', { server: { timeline: 2 } });

function streaming(timeline: number): NodeSnapshot {
  return standby('pg3', pg2OnTimeline2, { server: { timeline, walReceiver: receiver(pg2OnTimeline2, { receivedTimeline: timeline }) } });
}

function receiverGone(fallbackTimeline: number | null): NodeSnapshot {
  return withServer(streaming(2), { walReceiver: null, timeline: fallbackTimeline });
}

/** Polls in order, carrying the memory as NodeConnection does; returns what each poll showed. */
function poll(...snapshots: NodeSnapshot[]) {
  let lastReceived: number | undefined;
  return snapshots.map((snapshot) => {
    const kept = keepReceivedTimeline(snapshot, lastReceived);
    lastReceived = kept.lastReceived;
    return [kept.snapshot.server?.timeline ?? null, kept.snapshot.server?.timelineLastSeen ?? false];
  });
}

describe('keepReceivedTimeline', () => {
  it('never goes back to the restartpoint\'s timeline when the receiver stops; marks it last seen', () => {
    expect(poll(streaming(2), receiverGone(1), receiverGone(1))).toEqual([
      [2, false],
      [2, true],
      [2, true],
    ]);
  });

  it('shows the server\'s own timeline again once the receiver reports, or when it is newer', () => {
    expect(poll(streaming(2), receiverGone(1), streaming(3))).toEqual([
      [2, false],
      [2, true],
      [3, false],
    ]);
    expect(poll(streaming(2), receiverGone(3))).toEqual([
      [2, false],
      [3, false],
    ]);
  });

  it('keeps the memory while the node is down, and fills a missing timeline', () => {
    let lastReceived = keepReceivedTimeline(streaming(2), undefined).lastReceived;
    lastReceived = keepReceivedTimeline(down('pg3'), lastReceived).lastReceived;
    expect(keepReceivedTimeline(receiverGone(null), lastReceived).snapshot.server).toMatchObject({ timeline: 2, timelineLastSeen: true });
  });

  it('forgets it when the node is promoted: a primary\'s timeline is always current', () => {
    const promoted = primary('pg3', { server: { timeline: 3 } });
    expect(poll(streaming(2), promoted, receiverGone(1))).toEqual([
      [2, false],
      [3, false],
      [1, false],
    ]);
  });

  it('leaves a standby that never had a receiver as the server says', () => {
    expect(poll(receiverGone(1))).toEqual([[1, false]]);
  });
});
