import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStorage, type ErrorDetail, type Storage, UaipError } from '../index';
import { fixedClock, sequentialIds } from '../testing/clock-and-ids';
import { makeClaim, makeCommit, makeSession } from '../testing/storage-records';
import { createAddressGuard } from './address-guard';
import type { WebhookEndpoint } from './config';
import { createWebhookDispatcher, type WebhookDispatcherOptions } from './dispatcher';
import { createWebhookOutbox } from './messages';
import { type ReceivedRequest, startReceiver, type TestReceiver } from './receiver.test-support';
import { pinnedLookup } from './send';

// The dispatcher against a real HTTP receiver on 127.0.0.1 that fails, hangs and recovers.
// Time is a fixed clock moved by the tests; only the delivery timeout is real (2 s: long enough
// that a loaded machine answers a healthy request well within it).

const SECRET = `whsec_${Buffer.from('a secret of thirty-two bytes long').toString('base64')}`;
const TIMEOUT_MS = 2_000;
const DAY_MS = 24 * 60 * 60 * 1000;

const receivers: TestReceiver[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

async function receiver(...args: Parameters<typeof startReceiver>) {
  const started = await startReceiver(...args);
  receivers.push(started);
  return started;
}

const endpoint = (url: string, id = 'crm'): WebhookEndpoint => ({
  id,
  url,
  secret: SECRET,
  events: ['session.completed'],
});

/** Commits a turn that completes a session, with its webhooks for `endpoints`. */
async function completedSession(
  storage: Storage,
  at: string,
  endpoints: WebhookEndpoint[],
  newId = sequentialIds(),
) {
  const session = makeSession();
  await storage.createSession(session);
  const claim = makeClaim(session);
  await storage.claimQuestion(session.ownerId, session.id, claim);
  const outbox = createWebhookOutbox(
    { endpoints },
    storage,
    newId,
  )(session.ownerId, [{ type: 'session.completed', sessionId: session.id, version: 2, at }]);
  const commit = makeCommit(session, claim.leaseId, { outbox });
  expect(await storage.commitTurn(session.ownerId, session.id, commit)).toBe(true);
  return session;
}

function setup(overrides: Partial<WebhookDispatcherOptions> & { endpoints: WebhookEndpoint[] }) {
  const storage = overrides.storage ?? createMemoryStorage();
  const clock = fixedClock('2026-03-01T10:00:00.000Z');
  const options: WebhookDispatcherOptions = {
    storage,
    clock,
    timeoutMs: TIMEOUT_MS,
    allowPrivateNetworks: ['127.0.0.0/8'],
    random: () => 0.5,
    ...overrides,
  };
  return { storage, clock, options, dispatcher: createWebhookDispatcher(options) };
}

describe('delivering webhooks', () => {
  it('retries after a 500 and a hang, delivers on the third attempt, signed', async () => {
    const signedAt: number[] = [];
    let clockNow = () => 0;
    const hooks = await receiver([500, 'hang'], 204, () => signedAt.push(clockNow()));
    const { storage, clock, dispatcher } = setup({ endpoints: [endpoint(hooks.url)] });
    clockNow = () => clock.now();
    const session = await completedSession(storage, new Date(clock.now()).toISOString(), [
      endpoint(hooks.url),
    ]);
    const outbox = () => storage.listOutbox!(session.ownerId, session.id);

    expect(await dispatcher.runOnce()).toBe(1);
    const [afterFailure] = await outbox();
    expect(afterFailure).toMatchObject({
      status: 'pending',
      nextAttemptAt: '2026-03-01T10:00:05.000Z',
    });
    clock.advance(4_999);
    expect(await dispatcher.runOnce()).toBe(0);
    clock.advance(1);
    expect(await dispatcher.runOnce()).toBe(1);
    clock.set((await outbox())[0]!.nextAttemptAt);
    expect(await dispatcher.runOnce()).toBe(1);

    const [delivered] = await outbox();
    expect(delivered?.status).toBe('delivered');
    expect(delivered?.attempts).toEqual([
      {
        at: '2026-03-01T10:00:00.000Z',
        status: 500,
        error: 'The receiver answered HTTP 500',
        durationMs: 0,
      },
      {
        at: '2026-03-01T10:00:05.000Z',
        status: null,
        error: `No response within ${TIMEOUT_MS} ms`,
        durationMs: 0,
      },
      { at: '2026-03-01T10:00:35.000Z', status: 204, error: null, durationMs: 0 },
    ]);
    expect(hooks.requests).toHaveLength(3);
    expect(hooks.abandoned).toBe(1);
    // The same message each time, verified as a receiver would, at the time it was sent.
    vi.useFakeTimers({ toFake: ['Date'] });
    hooks.requests.forEach((request: ReceivedRequest, index) => {
      vi.setSystemTime(signedAt[index]!);
      expect(request.headers['webhook-id']).toBe(delivered!.id);
      expect(request.headers['content-type']).toBe('application/json');
      expect(new Webhook(SECRET).verify(request.body, request.headers)).toEqual({
        type: 'session.completed',
        timestamp: '2026-03-01T10:00:00.000Z',
        data: { ownerId: session.ownerId, sessionId: session.id, version: 2 },
      });
    });
    // Another secret does not verify it.
    const other = `whsec_${Buffer.from('another secret, thirty-two bytes').toString('base64')}`;
    expect(() =>
      new Webhook(other).verify(hooks.requests[2]!.body, hooks.requests[2]!.headers),
    ).toThrow();
  });

  it('leaves nothing behind across a restart: a new dispatcher delivers what was pending', async () => {
    const hooks = await receiver([503]);
    const first = setup({ endpoints: [endpoint(hooks.url)] });
    const session = await completedSession(first.storage, '2026-03-01T10:00:00.000Z', [
      endpoint(hooks.url),
    ]);
    first.dispatcher.start();
    await first.dispatcher.stop();
    expect(hooks.requests).toHaveLength(1);

    // A dispatcher that died holding a lease: its messages wait for the lease to end.
    const { storage, clock } = first;
    clock.advance(5_000);
    await storage.claimOutbox!({
      now: new Date(clock.now()).toISOString(),
      leaseId: 'crashed',
      leaseUntil: new Date(clock.now() + 70_000).toISOString(),
      limit: 10,
    });
    const second = createWebhookDispatcher({ ...first.options });
    expect(await second.runOnce()).toBe(0);
    clock.advance(70_000);
    expect(await second.runOnce()).toBe(1);
    const [record] = await storage.listOutbox!(session.ownerId, session.id);
    expect(record?.status).toBe('delivered');
    expect(record?.attempts.map((attempt) => attempt.status)).toEqual([503, 200]);
    expect(hooks.requests).toHaveLength(2);
  });

  it('gives a message up 24 hours after its event, having kept every attempt', async () => {
    const hooks = await receiver([], 500);
    const { storage, clock, dispatcher } = setup({ endpoints: [endpoint(hooks.url)] });
    const createdAt = new Date(clock.now()).toISOString();
    const session = await completedSession(storage, createdAt, [endpoint(hooks.url)]);
    for (let round = 0; round < 50; round += 1) {
      const [record] = await storage.listOutbox!(session.ownerId, session.id);
      if (record?.status !== 'pending') break;
      clock.set(Math.max(clock.now(), Date.parse(record.nextAttemptAt)));
      await dispatcher.runOnce();
    }
    const [record] = await storage.listOutbox!(session.ownerId, session.id);
    expect(record?.status).toBe('failed');
    // 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 6 h, 6 h, then the last try at 24 h.
    expect(record?.attempts.map((attempt) => attempt.at)).toEqual(
      [0, 5, 35, 155, 755, 2555, 6155, 13_355, 27_755, 49_355, 70_955, 86_400].map((s) =>
        new Date(Date.parse(createdAt) + s * 1000).toISOString(),
      ),
    );
    expect(record?.settledAt).toBe(new Date(Date.parse(createdAt) + DAY_MS).toISOString());
    expect(hooks.requests).toHaveLength(12);
  });

  it('lets a hung receiver hold only its own message', async () => {
    const slow = await receiver(['hang']);
    let slowGaveUp: number | null = null;
    const fast = await receiver([], 200, () => {
      slowGaveUp = slow.abandoned;
    });
    const endpoints = [endpoint(slow.url, 'slow'), endpoint(fast.url, 'fast')];
    const { storage, dispatcher } = setup({ endpoints });
    const session = await completedSession(storage, '2026-03-01T10:00:00.000Z', endpoints);
    expect(await dispatcher.runOnce()).toBe(2);
    expect(slowGaveUp).toBe(0);
    const records = await storage.listOutbox!(session.ownerId, session.id);
    expect(records.map((record) => [record.endpointId, record.status])).toEqual([
      ['slow', 'pending'],
      ['fast', 'delivered'],
    ]);
  });

  it('keeps polling while a hung receiver holds its backlog: a later message goes out at once', async () => {
    const storage = createMemoryStorage();
    const newId = sequentialIds();
    let allSlowArrived = () => {};
    const slowArrived = new Promise<void>((resolve) => {
      allSlowArrived = resolve;
    });
    const slow = await receiver([], 'hang', () => {
      if (slow.requests.length === 5) allSlowArrived();
    });
    let fastArrived: (seen: { abandoned: number; attempts: Promise<number[]> }) => void = () => {};
    const seenByFast = new Promise<Parameters<typeof fastArrived>[0]>((resolve) => {
      fastArrived = resolve;
    });
    // What the slow messages look like when the fast one arrives.
    const fast = await receiver([], 200, () =>
      fastArrived({ abandoned: slow.abandoned, attempts: slowAttempts() }),
    );
    const slowEndpoints = [1, 2, 3, 4, 5].map((n) => endpoint(slow.url, `slow-${n}`));
    const fastEndpoint = endpoint(fast.url, 'fast');
    const endpoints = [...slowEndpoints, fastEndpoint];
    const { dispatcher } = setup({ storage, endpoints, pollMs: 10, batchSize: 10 });
    const at = '2026-03-01T10:00:00.000Z';
    const slowSession = await completedSession(storage, at, slowEndpoints, newId);
    const slowAttempts = async () =>
      (await storage.listOutbox!(slowSession.ownerId, slowSession.id)).map(
        (record) => record.attempts.length,
      );
    dispatcher.start();
    await slowArrived;
    // Written while the five hang: a later poll sends it, without waiting for them.
    const fastSession = await completedSession(storage, at, [fastEndpoint], newId);
    const seen = await seenByFast;
    expect(seen.abandoned).toBe(0);
    expect(await seen.attempts).toEqual([0, 0, 0, 0, 0]);
    // stop() waits for the hung ones (cut short here by closing their receiver).
    const stopping = dispatcher.stop();
    await slow.close();
    await stopping;
    expect(await slowAttempts()).toEqual([1, 1, 1, 1, 1]);
    const [delivered] = await storage.listOutbox!(fastSession.ownerId, fastSession.id);
    expect(delivered?.status).toBe('delivered');
  });

  it('stop() waits for every delivery under way, even after one failed to be recorded', async () => {
    const slow = await receiver([], 'hang');
    const fast = await receiver([], 200);
    const endpoints = [endpoint(fast.url, 'fast'), endpoint(slow.url, 'slow')];
    const storage = createMemoryStorage();
    let recordingFailed = () => {};
    const failed = new Promise<void>((resolve) => {
      recordingFailed = resolve;
    });
    const { dispatcher } = setup({
      endpoints,
      storage: {
        ...storage,
        async recordDelivery(messageId, ...rest) {
          const [record] = (await storage.listOutbox!(session.ownerId, session.id)).filter(
            (candidate) => candidate.id === messageId,
          );
          if (record?.endpointId === 'fast') {
            recordingFailed();
            throw new Error('the database went away');
          }
          return storage.recordDelivery!(messageId, ...rest);
        },
      },
    });
    const session = await completedSession(storage, '2026-03-01T10:00:00.000Z', endpoints);
    dispatcher.start();
    await failed;
    let stopped = false;
    const stopping = dispatcher.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    // The hung delivery ends (its receiver goes away) and is recorded before stop() returns.
    await slow.close();
    await stopping;
    const records = await storage.listOutbox!(session.ownerId, session.id);
    expect(records.map((record) => [record.endpointId, record.attempts.length])).toEqual([
      ['fast', 0],
      ['slow', 1],
    ]);
  });

  it('gives up a message whose endpoint is no longer configured', async () => {
    const hooks = await receiver();
    const { storage, options } = setup({ endpoints: [endpoint(hooks.url)] });
    const session = await completedSession(storage, '2026-03-01T10:00:00.000Z', [
      endpoint(hooks.url),
    ]);
    const renamed = createWebhookDispatcher({
      ...options,
      endpoints: [endpoint(hooks.url, 'erp')],
    });
    await renamed.runOnce();
    const [record] = await storage.listOutbox!(session.ownerId, session.id);
    expect(record).toMatchObject({ status: 'failed' });
    expect(record?.attempts[0]?.error).toBe('The endpoint "crm" is no longer configured');
    expect(hooks.requests).toEqual([]);
  });
});

describe('refusing addresses the host did not allow (SSRF)', () => {
  async function refused(url: string, overrides: Partial<WebhookDispatcherOptions> = {}) {
    const { storage, dispatcher } = setup({
      endpoints: [endpoint(url)],
      allowPrivateNetworks: false,
      ...overrides,
    });
    const session = await completedSession(storage, '2026-03-01T10:00:00.000Z', [endpoint(url)]);
    await dispatcher.runOnce();
    const [record] = await storage.listOutbox!(session.ownerId, session.id);
    expect(record?.status).toBe('failed');
    expect(record?.attempts).toHaveLength(1);
    expect(record?.attempts[0]?.status).toBeNull();
    return record!.attempts[0]!.error;
  }

  it('refuses the loopback receiver, by address and by name, sending it nothing', async () => {
    const hooks = await receiver();
    expect(await refused(hooks.url)).toBe(
      'Refused: 127.0.0.1 is a private or reserved address (allow it with allowPrivateNetworks)',
    );
    expect(await refused(`http://localhost:${hooks.port}/hooks`)).toMatch(
      /^Refused: localhost resolves to (127\.0\.0\.1|::1), which is a private or reserved address/,
    );
    // The same address in other spellings.
    expect(await refused(`http://[::ffff:127.0.0.1]:${hooks.port}/`)).toMatch(/^Refused/);
    expect(await refused(`http://2130706433:${hooks.port}/`)).toMatch(/^Refused: 127\.0\.0\.1/);
    expect(await refused(`http://0x7f.1:${hooks.port}/`)).toMatch(/^Refused: 127\.0\.0\.1/);
    expect(await refused(`http://[::1]:${hooks.port}/`)).toMatch(/^Refused: ::1/);
    expect(hooks.requests).toEqual([]);
  });

  it('refuses the cloud metadata address and names resolving to private networks', async () => {
    expect(await refused('http://169.254.169.254/latest/meta-data')).toMatch(
      /^Refused: 169\.254\.169\.254 is a private/,
    );
    const resolve = async (hostname: string) =>
      hostname === 'hooks.internal.example'
        ? [
            { address: '203.0.114.7', family: 4 as const },
            { address: '10.1.2.3', family: 4 as const },
          ]
        : [];
    expect(await refused('https://hooks.internal.example/in', { resolve })).toBe(
      'Refused: hooks.internal.example resolves to 10.1.2.3, which is a private or reserved ' +
        'address (allow it with allowPrivateNetworks)',
    );
    expect(await refused('http://100.64.0.1/', {})).toMatch(/^Refused/);
    expect(await refused('http://[fd12::1]/', {})).toMatch(/^Refused/);
  });

  it('refuses site-local, local-use NAT64, Teredo and the 6to4 relay range', async () => {
    for (const address of [
      '[fec0::1]',
      '[64:ff9b:1::a00:1]',
      '[2001:0:4136:e378::1]',
      '192.88.99.1',
    ])
      expect(await refused(`http://${address}/`)).toMatch(/^Refused: .* is a private or reserved/);
    // Their neighbours are public.
    const resolve = async () => [
      { address: '2001:1::1', family: 6 as const },
      { address: '64:ff9b:2::1', family: 6 as const },
      { address: '192.88.100.1', family: 4 as const },
    ];
    const vet = createAddressGuard(false, resolve);
    expect(await vet(new URL('https://hooks.example.com/'))).toMatchObject({ ok: true });
  });

  it('connects to the address it vetted, whatever the name resolves to later', async () => {
    const hooks = await receiver();
    // A name that exists only in this resolver: the request can only have used its answer.
    let lookups = 0;
    const resolve = async () => {
      lookups += 1;
      return [{ address: '127.0.0.1', family: 4 as const }];
    };
    const url = `http://hooks.uaip.invalid:${hooks.port}/in`;
    const { storage, dispatcher } = setup({
      endpoints: [endpoint(url)],
      allowPrivateNetworks: ['hooks.uaip.invalid'],
      resolve,
    });
    const session = await completedSession(storage, '2026-03-01T10:00:00.000Z', [endpoint(url)]);
    await dispatcher.runOnce();
    const [record] = await storage.listOutbox!(session.ownerId, session.id);
    expect(record?.status).toBe('delivered');
    expect(lookups).toBe(1);
    expect(hooks.requests[0]?.headers.host).toBe(`hooks.uaip.invalid:${hooks.port}`);
  });

  it('tries every vetted address: an unreachable first one does not stop the delivery', async () => {
    const hooks = await receiver();
    // The receiver listens on 127.0.0.1 only: 127.0.0.2 refuses the connection.
    const resolve = async () => [
      { address: '127.0.0.2', family: 4 as const },
      { address: '127.0.0.1', family: 4 as const },
    ];
    const url = `http://dual.uaip.invalid:${hooks.port}/in`;
    const { storage, dispatcher } = setup({ endpoints: [endpoint(url)], resolve });
    const session = await completedSession(storage, '2026-03-01T10:00:00.000Z', [endpoint(url)]);
    await dispatcher.runOnce();
    const [record] = await storage.listOutbox!(session.ownerId, session.id);
    expect(record?.attempts.map((attempt) => attempt.error)).toEqual([null]);
    expect(record?.status).toBe('delivered');
    expect(hooks.requests).toHaveLength(1);
  });

  it('pins the lookup to the vetted addresses, all of them when node asks for all', async () => {
    const addresses = [
      { address: '2001:4860::1', family: 6 as const },
      { address: '203.0.114.7', family: 4 as const },
    ];
    const lookup = pinnedLookup(addresses);
    const ask = (all: boolean) =>
      new Promise<unknown[]>((resolve, reject) =>
        lookup('anything.example', { all }, (error, ...answer) =>
          error ? reject(error) : resolve(answer),
        ),
      );
    expect(await ask(true)).toEqual([addresses]);
    expect(await ask(false)).toEqual(['2001:4860::1', 6]);
  });
});

describe('webhook options', () => {
  const bad = (endpoints: unknown[], extra = {}): ErrorDetail | undefined | 'accepted' => {
    try {
      createWebhookDispatcher({
        storage: createMemoryStorage(),
        endpoints: endpoints as WebhookEndpoint[],
        ...extra,
      });
    } catch (error) {
      if (UaipError.isInstance(error)) return error.details?.[0];
      throw error;
    }
    return 'accepted';
  };
  const pathOf = (endpoints: unknown[], extra = {}) => {
    const detail = bad(endpoints, extra);
    return typeof detail === 'string' ? detail : detail?.path;
  };
  const good = endpoint('https://hooks.example.com/in');

  it('refuses what would fail at the first delivery, naming the field and never the secret', () => {
    expect(pathOf([{ ...good, url: 'ftp://hooks.example.com' }])).toBe('endpoints.0.url');
    expect(pathOf([{ ...good, url: 'https://user:pw@hooks.example.com' }])).toBe('endpoints.0.url');
    expect(bad([good, { ...good, id: 'erp', secret: 'hunter2' }])).toEqual({
      path: 'endpoints.1.secret',
      message: 'Give a Standard Webhooks secret: whsec_ followed by base64',
    });
    expect(pathOf([{ ...good, events: ['session.started'] }])).toBe('endpoints.0.events');
    expect(pathOf([{ ...good, events: [] }])).toBe('endpoints.0.events');
    expect(pathOf([good, good])).toBe('endpoints.1.id');
    expect(pathOf([good], { timeoutMs: 0 })).toBe('timeoutMs');
    expect(pathOf([good], { allowPrivateNetworks: ['10.0.0.0/8', '10.0.0.0/33'] })).toBe(
      'allowPrivateNetworks.1',
    );
    expect(pathOf([good], { allowPrivateNetworks: ['fd00::/8', '::1', 'hooks.internal'] })).toBe(
      'accepted',
    );
    expect(bad([{ ...good, events: ['review.*', 'stage.completed'] }])).toBe('accepted');
  });

  it('refuses a long host name with a port at once (the check does not backtrack)', () => {
    const entry = 'receiver.webhooks.internal.svc.cluster.local:8080';
    expect(bad([good], { allowPrivateNetworks: ['10.0.0.0/8', entry] })).toEqual({
      path: 'allowPrivateNetworks.1',
      message: `"${entry}" is no address, CIDR range or host name (leave out the port)`,
    });
    expect(bad([good], { allowPrivateNetworks: [`${'a'.repeat(40)}.`.repeat(7)] })).toEqual({
      path: 'allowPrivateNetworks.0',
      message: expect.stringMatching(/is no address/),
    });
    const labels = ['receiver.webhooks.internal.svc.cluster.local', 'a-b.c.', 'x'.repeat(63)];
    expect(bad([good], { allowPrivateNetworks: labels })).toBe('accepted');
    expect(pathOf([good], { allowPrivateNetworks: ['a..b'] })).toBe('allowPrivateNetworks.0');
    expect(pathOf([good], { allowPrivateNetworks: ['-a.b'] })).toBe('allowPrivateNetworks.0');
    expect(pathOf([good], { allowPrivateNetworks: [`${'x'.repeat(64)}.com`] })).toBe(
      'allowPrivateNetworks.0',
    );
  });

  it('needs a storage with an outbox', () => {
    const { claimOutbox: _claim, ...withoutOutbox } = createMemoryStorage();
    expect(() =>
      createWebhookDispatcher({ storage: withoutOutbox as Storage, endpoints: [good] }),
    ).toThrow(/outbox/);
  });
});
