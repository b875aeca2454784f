import { describe, expect, it } from 'vitest';
import {
  createMemoryStorage,
  createOrchestrator,
  defineWorkflow,
  type SessionEvent,
  type Storage,
  type WebhookOptions,
} from '../index';
import { goalStage, judge, planStage } from '../orchestrator/fixtures.test-support';
import { fixedClock, scriptedProvider } from '../testing/index';

// What the orchestrator writes to the outbox: one message per subscribed endpoint for each
// event a turn or a review save produces, with the same fields as the event on the bus.

const SECRET = `whsec_${Buffer.from('a secret of thirty-two bytes long').toString('base64')}`;
const workflow = defineWorkflow({
  id: 'hooked',
  version: '1',
  title: 'Hooked',
  description: 'A goal and a plan, always sent to a committee',
  stages: [goalStage, planStage],
  finish: async () => ({ outcome: 'Submit to committee' }),
});

const webhooks: WebhookOptions = {
  endpoints: [
    { id: 'crm', url: 'https://crm.example.com/in', secret: SECRET, events: ['session.completed'] },
    {
      id: 'audit',
      url: 'https://audit.example.com/in',
      secret: SECRET,
      events: ['stage.completed', 'review.*'],
    },
  ],
};

async function completedSession(storage: Storage, options: { webhooks?: WebhookOptions }) {
  const orchestrator = createOrchestrator({
    storage,
    llm: scriptedProvider(judge),
    workflows: [workflow],
    clock: fixedClock(),
    ...options,
  });
  const owner = { userId: 'alice' };
  const session = await orchestrator.start(owner, { workflowId: 'hooked', idea: 'Cut churn' });
  const published: SessionEvent[] = [];
  await orchestrator.subscribe(owner, session.id, (event) => published.push(event));
  for (const answer of ['cut churn', 'metric=nps', 'train, ship']) {
    const { pendingQuestion } = await orchestrator.get(owner, session.id);
    await orchestrator.answer(owner, session.id, { questionId: pendingQuestion!.id, answer });
  }
  return { orchestrator, owner, sessionId: session.id, published };
}

/** The outbox as (endpoint, parsed body) pairs, in the order written. */
async function outbox(storage: Storage, ownerId: string, sessionId: string) {
  return (await storage.listOutbox!(ownerId, sessionId)).map((message) => {
    expect(message.status).toBe('pending');
    expect(message.id).toMatch(/^msg_/);
    return [message.endpointId, JSON.parse(message.payload)] as const;
  });
}

/** An event as its webhook carries it. */
const asWebhook = (ownerId: string, { type, at, ...data }: SessionEvent) => ({
  type,
  timestamp: at,
  data: { ownerId, ...data },
});

describe('the outbox the orchestrator writes', () => {
  it('writes each completed stage and the completed session for the endpoints subscribed', async () => {
    const storage = createMemoryStorage();
    const { owner, sessionId, published } = await completedSession(storage, { webhooks });
    const sent = (type: string) =>
      published.filter((event) => event.type === type).map((e) => asWebhook(owner.userId, e));
    const [goal, plan] = sent('stage.completed');
    expect(await outbox(storage, owner.userId, sessionId)).toEqual([
      ['audit', goal],
      ['audit', plan],
      ['crm', sent('session.completed')[0]],
    ]);
    expect(goal).toMatchObject({
      type: 'stage.completed',
      data: { ownerId: 'alice', sessionId, stageId: 'goal', gatePassed: true },
    });
  });

  it('writes the review events with the review, the same as published', async () => {
    const storage = createMemoryStorage();
    const { orchestrator, owner, sessionId, published } = await completedSession(storage, {
      webhooks,
    });
    await storage.createUser({
      id: 'carol',
      email: 'carol@example.com',
      name: 'Carol',
      passwordHash: 'x',
      tokenVersion: 0,
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    await orchestrator.requestReview(owner, sessionId, { reviewers: [{ userId: 'carol' }] });
    await orchestrator.vote({ userId: 'carol' }, sessionId, { vote: 'approve', comment: 'Fine' });
    const reviewEvents = published
      .filter((event) => event.type.startsWith('review.'))
      .map((event) => ['audit', asWebhook(owner.userId, event)]);
    expect(reviewEvents.map(([, body]) => (body as { type: string }).type)).toEqual([
      'review.requested',
      'review.voted',
      'review.decided',
    ]);
    expect((await outbox(storage, owner.userId, sessionId)).slice(3)).toEqual(reviewEvents);
    // The vote's comment stays out of the webhook.
    expect(JSON.stringify(reviewEvents)).not.toContain('Fine');
  });

  it('writes nothing without webhooks, and refuses webhooks on a storage without an outbox', async () => {
    const storage = createMemoryStorage();
    const { owner, sessionId } = await completedSession(storage, {});
    expect(await storage.listOutbox!(owner.userId, sessionId)).toEqual([]);
    const { listOutbox: _list, ...withoutOutbox } = createMemoryStorage();
    await expect(completedSession(withoutOutbox as Storage, { webhooks })).rejects.toThrow(
      /outbox/,
    );
  });
});
