import { describe, expect, it } from 'vitest';
import { createInProcessEventBus, type SessionEvent } from '../index';

const event = (sessionId: string, version: number): SessionEvent => ({
  type: 'session.completed',
  sessionId,
  version,
  at: '2026-01-01T00:00:00.000Z',
});

describe('createInProcessEventBus', () => {
  it("delivers a session's events to its subscribers only, until they stop", () => {
    const bus = createInProcessEventBus();
    const seen: number[] = [];
    const stop = bus.subscribe('s1', (received) => seen.push(received.version));
    bus.publish(event('s1', 1));
    bus.publish(event('s2', 2));
    stop();
    bus.publish(event('s1', 3));
    expect(seen).toEqual([1]);
  });

  it('keeps delivering when a listener throws, and reports the error', () => {
    const errors: unknown[] = [];
    const bus = createInProcessEventBus((error) => errors.push(error));
    const seen: number[] = [];
    bus.subscribe('s1', () => {
      throw new Error('listener bug');
    });
    bus.subscribe('s1', (received) => seen.push(received.version));
    bus.publish(event('s1', 1));
    expect(seen).toEqual([1]);
    expect(errors).toHaveLength(1);
  });

  it('ignores a second unsubscribe, which must not drop a newer listener', () => {
    const bus = createInProcessEventBus();
    const seen: number[] = [];
    const stop = bus.subscribe('s1', () => {});
    stop();
    bus.subscribe('s1', (received) => seen.push(received.version));
    stop();
    bus.publish(event('s1', 7));
    expect(seen).toEqual([7]);
  });
});
