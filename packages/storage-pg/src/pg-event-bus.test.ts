import type { SessionEvent } from '@uaip/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgEventBus, type PgEventBus } from './index';
import { encodeEvent } from './pg-event-bus';
import { waitFor } from './test-async';
import { NEEDS_POSTGRES, testDatabaseUrl } from './test-services';

const serverUrl = testDatabaseUrl();

function asked(sessionId: string, version = 1): SessionEvent {
  return {
    type: 'question.asked',
    sessionId,
    version,
    at: '2030-01-01T00:00:00.000Z',
    questionId: 'q2',
    stageId: 'problem',
    kind: 'follow_up',
  };
}

/** Collects what a bus delivers for a session. */
function inbox(bus: PgEventBus, sessionId: string) {
  const events: SessionEvent[] = [];
  const stop = bus.subscribe(sessionId, (event) => events.push(event));
  return {
    events,
    stop,
    next: (count: number) => waitFor(async () => (events.length >= count ? events : undefined)),
  };
}

describe('session events as NOTIFY payloads', () => {
  it('trims an oversized event under the NOTIFY limit instead of failing', () => {
    const event: SessionEvent = {
      type: 'error',
      sessionId: 's1',
      version: 3,
      at: '2030-01-01T00:00:00.000Z',
      code: 'llm_unavailable',
      message: 'x'.repeat(20_000),
    };
    const payload = encodeEvent(event);
    expect(Buffer.byteLength(payload)).toBeLessThan(8000);
    expect(JSON.parse(payload)).toMatchObject({ type: 'error', sessionId: 's1', version: 3 });
    expect(encodeEvent(asked('s1'))).toBe(JSON.stringify(asked('s1')));
  });
});

describe.skipIf(!serverUrl)(`PostgreSQL event bus ${NEEDS_POSTGRES}`, () => {
  // A channel of this run's own: other test runs on the server never hear these events.
  const channel = `uaip_test_${Math.random().toString(36).slice(2, 10)}`;
  const errors: unknown[] = [];
  let hostPool: pg.Pool;
  let publisher: PgEventBus;
  let receiver: PgEventBus;
  let admin: pg.Client;

  beforeAll(async () => {
    // Two app instances: one publishing through the host's pool, one with its own.
    hostPool = new pg.Pool({ connectionString: serverUrl, max: 2 });
    publisher = await createPgEventBus({ pool: hostPool, channel });
    receiver = await createPgEventBus({
      connectionString: serverUrl,
      channel,
      onError: (error) => errors.push(error),
    });
    admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
  });

  afterAll(async () => {
    await publisher?.close();
    await receiver?.close();
    await hostPool?.end();
    await admin?.end();
  });

  it("delivers an event published on one instance to another instance's subscribers", async () => {
    const mine = inbox(receiver, 'session-a');
    const other = inbox(receiver, 'session-b');
    // The publishing instance hears its own events too, like the in-process bus.
    const local = inbox(publisher, 'session-a');
    await publisher.publish(asked('session-a', 1));
    await publisher.publish(asked('session-a', 2));
    const expected = [asked('session-a', 1), asked('session-a', 2)];
    expect(await mine.next(2)).toEqual(expected);
    expect(await local.next(2)).toEqual(expected);
    expect(other.events).toEqual([]);
    mine.stop();
    other.stop();
    local.stop();
  });

  it('stops delivering after unsubscribe, and one failing listener spares the others', async () => {
    const first = inbox(receiver, 'session-c');
    receiver.subscribe('session-c', () => {
      throw new Error('listener bug');
    });
    await publisher.publish(asked('session-c', 1));
    await first.next(1);
    expect(errors).toContainEqual(new Error('listener bug'));
    first.stop();
    const later = inbox(receiver, 'session-c');
    await publisher.publish(asked('session-c', 2));
    await later.next(1);
    expect(first.events).toHaveLength(1);
    later.stop();
  });

  it('ignores a second unsubscribe, which must not drop a newer listener', async () => {
    const stop = receiver.subscribe('session-e', () => {});
    stop();
    const newer = inbox(receiver, 'session-e');
    stop();
    await publisher.publish(asked('session-e', 1));
    expect(await newer.next(1)).toEqual([asked('session-e', 1)]);
    newer.stop();
  });

  it('ignores a notification on its channel that is not a session event', async () => {
    const received = inbox(receiver, 'session-d');
    await admin.query('select pg_notify($1, $2)', [channel, 'not json']);
    await publisher.publish(asked('session-d'));
    await received.next(1);
    expect(received.events).toEqual([asked('session-d')]);
    expect(errors.some((error) => String(error).includes('not a session event'))).toBe(true);
    received.stop();
  });

  it('listens again by itself after its connection is killed', async () => {
    const received = inbox(receiver, 'session-e');
    // Both instances listen on the channel: both lose their listening connection.
    const { rows } = await admin.query(
      'select pg_terminate_backend(pid) as killed from pg_stat_activity where application_name = $1',
      [`uaip-events:${channel}`],
    );
    expect(rows).toHaveLength(2);
    // Events sent while it reconnects may be lost; keep publishing until one arrives.
    let version = 0;
    await waitFor(async () => {
      await publisher.publish(asked('session-e', ++version));
      await new Promise((resolve) => setTimeout(resolve, 50));
      return received.events.length > 0 ? true : undefined;
    });
    expect(received.events[0]).toMatchObject({ sessionId: 'session-e' });
    expect(errors.some((error) => String(error).includes('terminating connection'))).toBe(true);
    received.stop();
  });
});
