import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { account } from './app-process.test-support';
import { onEveryStorage, type RunningApp } from './on-every-storage.test-support';
import { ANSWERS, completeSession } from './scoping-answers.test-support';

// Webhooks end to end (issue 24): the reference app as `npm start` runs it, configured from
// the environment, sends a completed session's events to a receiver on 127.0.0.1 (allowed by
// WEBHOOK_ALLOW_PRIVATE), signed with the endpoint's secret; the receiver first fails once.

const SECRET = `whsec_${Buffer.from('the reference app webhook secret').toString('base64')}`;

interface Delivery {
  body: { type: string; timestamp: string; data: Record<string, unknown> };
  id: string;
  verified: boolean;
}

/**
 * The Standard Webhooks check, written out from the specification rather than with the library
 * the app signs with: HMAC-SHA256 of `id.timestamp.body` under the base64 key after `whsec_`.
 */
function signed(body: string, headers: IncomingHttpHeaders): boolean {
  const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
  const content = `${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`;
  const expected = createHmac('sha256', key).update(content).digest();
  return String(headers['webhook-signature'])
    .split(' ')
    .some((signature) => {
      const [version, value] = signature.split(',');
      const given = Buffer.from(value ?? '', 'base64');
      return (
        version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected)
      );
    });
}

const received: Delivery[] = [];
/** The ids of the deliveries the receiver answered 503. */
const failed: string[] = [];
let failuresLeft = 0;
let server: Server;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        failed.push(String(request.headers['webhook-id']));
        response.writeHead(503).end();
        return;
      }
      const headers: IncomingHttpHeaders = request.headers;
      received.push({
        body: JSON.parse(raw),
        id: String(headers['webhook-id']),
        verified: signed(raw, headers),
      });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const receiverEnv = () => ({
  WEBHOOK_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/uaip`,
  WEBHOOK_SECRET: SECRET,
  WEBHOOK_ALLOW_PRIVATE: '127.0.0.1',
});

/** The session's deliveries, once `count` have arrived. */
async function deliveredFor(sessionId: string, count: number, timeoutMs = 30_000) {
  for (let waited = 0; waited < timeoutMs; waited += 100) {
    const found = received.filter((d) => d.body.data.sessionId === sessionId);
    if (found.length >= count) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`fewer than ${count} webhooks for ${sessionId} within ${timeoutMs} ms`);
}

async function completedSessionReachesTheReceiver({ app }: RunningApp) {
  const owner = await account(app, 'owner');
  // The first delivery fails: the message is retried (about 5 s later) and still arrives.
  failuresLeft = 1;
  const session = await completeSession(app, owner.token, ANSWERS);
  // A stage.completed per stage, then session.completed.
  const deliveries = await deliveredFor(session.id, session.stages.length + 1);
  expect(deliveries.map((delivery) => delivery.body.type).sort()).toEqual([
    'session.completed',
    ...session.stages.map(() => 'stage.completed'),
  ]);
  expect(failed).toHaveLength(1);
  expect(deliveries.map((delivery) => delivery.id)).toContain(failed.pop());
  const completed = deliveries.find((delivery) => delivery.body.type === 'session.completed')!;
  expect(completed.body.data).toMatchObject({ ownerId: owner.id, sessionId: session.id });
  expect(completed.id).toMatch(/^msg_/);
  expect(deliveries.every((delivery) => delivery.verified)).toBe(true);

  // The owner sees them through the API, settled (a moment after the receiver answered), the
  // retried one with both attempts; never the receiver's URL or the secret.
  const path = `/api/v1/sessions/${session.id}/webhook-deliveries`;
  let listed = await app.call('GET', path, { token: owner.token });
  for (let waited = 0; waited < 5000; waited += 100) {
    if (listed.json.items.every((item: { status: string }) => item.status === 'delivered')) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
    listed = await app.call('GET', path, { token: owner.token });
  }
  expect(listed.status).toBe(200);
  const items = listed.json.items as Array<{ id: string; status: string; attempts: unknown[] }>;
  expect(items.every((item) => item.status === 'delivered')).toBe(true);
  // Each message arrives once: a retried one keeps its id, a delivered one is not sent again.
  // Counted now that the outbox has every message delivered (none is claimed or under way any
  // more), not when the first arrivals were in: a late duplicate would be among these.
  const ids = received.filter((d) => d.body.data.sessionId === session.id).map((d) => d.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.sort()).toEqual(items.map((item) => item.id).sort());
  expect(items.map((item) => item.id).sort()).toEqual(deliveries.map((d) => d.id).sort());
  const retried = items.filter((item) => item.attempts.length === 2);
  expect(retried).toHaveLength(1);
  expect(retried[0]!.attempts[0]).toMatchObject({ status: 503, error: expect.any(String) });
  expect(JSON.stringify(listed.json)).not.toContain('127.0.0.1');
  expect(JSON.stringify(listed.json)).not.toContain(SECRET);
  const stranger = await account(app, 'stranger');
  expect((await app.call('GET', path, { token: stranger.token })).status).toBe(404);
}

describe('webhooks from the reference app', () => {
  onEveryStorage(
    "a completed session's stage.completed and session.completed reach a receiver that failed once, signed",
    completedSessionReachesTheReceiver,
    receiverEnv,
  );
});
