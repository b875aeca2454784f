import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { type Clock, systemClock } from '../clock';
import { UaipError } from '../errors';
import { type Logger, silentLogger } from '../logger';
import type { DeliveryAttempt, DeliveryOutcome, OutboxRecord } from '../storage/outbox-types';
import type { Storage } from '../storage/types';
import { createAddressGuard, type Resolver } from './address-guard';
import { nextAttemptAt } from './backoff';
import { checkWebhookOptions, type WebhookEndpoint, type WebhookOptions } from './config';
import { send } from './send';

/** Options of {@link createWebhookDispatcher}: the webhook options and where to read. */
export interface WebhookDispatcherOptions extends WebhookOptions {
  /** The orchestrator's storage, with an outbox. */
  storage: Storage;
  /** @default the system clock */
  clock?: Clock;
  logger?: Logger;
  /** How often `start` looks for due messages. @default 1000 */
  pollMs?: number;
  /** The most messages sent at once. @default 20 */
  batchSize?: number;
  /** For tests: how host names resolve. @default node's dns.lookup */
  resolve?: Resolver;
  /** For tests: the jitter's randomness, from 0 to 1. @default Math.random */
  random?: () => number;
}

/** Sends the outbox: see {@link createWebhookDispatcher}. */
export interface WebhookDispatcher {
  /** Polls for due messages every `pollMs` until `stop`. */
  start(): void;
  /** Stops polling and waits for the deliveries under way. */
  stop(): Promise<void>;
  /** Sends the messages due now once; resolves with how many were tried. */
  runOnce(): Promise<number>;
}

/**
 * Sends the webhooks the orchestrator wrote to the outbox: claims due messages, POSTs each
 * signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`) to
 * its endpoint, and records every attempt. A 2xx delivers; anything else (another status, a
 * timeout, a refused connection) is tried again with exponential backoff and jitter until
 * `retryForMs` after the event, then given up (`failed`). An address the host did not allow
 * is refused before any request (SSRF) and given up at once. All state is in the storage:
 * several dispatchers may run, and one that stops or dies leaves its messages to the next
 * (its leases end after `timeoutMs` and a minute).
 *
 * @example
 * ```ts
 * const webhooks = { endpoints: [{ id: 'crm', url, secret, events: ['session.completed'] }] };
 * const orchestrator = createOrchestrator({ storage, llm, workflows, webhooks });
 * const dispatcher = createWebhookDispatcher({ storage, ...webhooks });
 * dispatcher.start();
 * // on shutdown
 * await dispatcher.stop();
 * ```
 */
export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  checkWebhookOptions(options);
  const { storage } = options;
  const { claimOutbox, recordDelivery } = storage;
  if (!claimOutbox || !recordDelivery) {
    throw new UaipError('validation_failed', 'Webhooks need a storage with an outbox');
  }
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retryForMs = options.retryForMs ?? 24 * 60 * 60 * 1000;
  const batchSize = options.batchSize ?? 20;
  const pollMs = options.pollMs ?? 1_000;
  const random = options.random ?? Math.random;
  const vet = createAddressGuard(options.allowPrivateNetworks, options.resolve);
  const endpoints = new Map(options.endpoints.map((endpoint) => [endpoint.id, endpoint]));
  const signers = new Map(options.endpoints.map((e) => [e.id, new Webhook(e.secret)]));
  const iso = (ms: number) => new Date(ms).toISOString();

  /** One attempt at one message: what happened, and what comes next. */
  async function attempt(
    message: OutboxRecord,
    endpoint: WebhookEndpoint | undefined,
  ): Promise<{ attempt: DeliveryAttempt; outcome: DeliveryOutcome }> {
    const started = clock.now();
    const giveUp = (error: string) => ({
      attempt: { at: iso(started), status: null, error, durationMs: 0 },
      outcome: { status: 'failed' as const, at: iso(started) },
    });
    if (!endpoint) return giveUp(`The endpoint "${message.endpointId}" is no longer configured`);
    const url = new URL(endpoint.url);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const vetted = await vet(url);
      if (!vetted.ok) return giveUp(vetted.reason);
      const signedAt = new Date(clock.now());
      const signature = signers.get(endpoint.id)!.sign(message.id, signedAt, message.payload);
      status = await send({
        url,
        addresses: vetted.addresses,
        body: message.payload,
        timeoutMs,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'uaip-webhooks',
          'webhook-id': message.id,
          'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
          'webhook-signature': signature,
        },
      });
      if (status < 200 || status > 299) error = `The receiver answered HTTP ${status}`;
    } catch (failure) {
      error = describe(failure, timeoutMs);
    }
    const ended = clock.now();
    const record = { at: iso(started), status, error, durationMs: Math.max(0, ended - started) };
    if (error === null)
      return { attempt: record, outcome: { status: 'delivered', at: iso(ended) } };
    const next = nextAttemptAt(message, ended, retryForMs, random);
    return {
      attempt: record,
      outcome:
        next === null
          ? { status: 'failed', at: iso(ended) }
          : { status: 'pending', nextAttemptAt: iso(next) },
    };
  }

  async function deliver(message: OutboxRecord, leaseId: string): Promise<void> {
    const endpoint = endpoints.get(message.endpointId);
    const result = await attempt(message, endpoint);
    const kept = await recordDelivery!.call(
      storage,
      message.id,
      leaseId,
      result.attempt,
      result.outcome,
    );
    const fields = {
      messageId: message.id,
      endpointId: message.endpointId,
      eventType: message.eventType,
      attempt: message.attempts.length + 1,
      status: result.attempt.status,
      outcome: result.outcome.status,
    };
    if (!kept)
      logger.warn(fields, 'a webhook attempt outlived its lease; another dispatcher has it');
    else if (result.outcome.status === 'failed')
      logger.error({ ...fields, error: result.attempt.error }, 'a webhook was given up');
    else if (result.outcome.status === 'pending')
      logger.warn({ ...fields, error: result.attempt.error }, 'a webhook attempt failed; retrying');
  }

  // The deliveries under way, each settling once recorded (or its recording failed).
  const inflight = new Set<Promise<void>>();

  /**
   * Claims as many due messages as there is room for beside the deliveries under way and starts
   * them, without waiting: a receiver that hangs holds only its own messages (and their room),
   * until the timeout. Resolves, once they are claimed, with the deliveries it started.
   */
  async function claimAndStart(): Promise<Array<Promise<void>>> {
    const room = batchSize - inflight.size;
    if (room <= 0) return [];
    const now = clock.now();
    const leaseId = randomUUID();
    const due = await claimOutbox!.call(storage, {
      now: iso(now),
      leaseId,
      // Past the longest attempt, so a message is never sent twice at once.
      leaseUntil: iso(now + timeoutMs + 60_000),
      limit: room,
    });
    return due.map((message) => {
      const delivery = deliver(message, leaseId);
      const settled: Promise<void> = delivery
        .catch((error: unknown) =>
          logger.warn(
            { err: error, messageId: message.id, endpointId: message.endpointId },
            'recording a webhook attempt failed; the message is tried again when its lease ends',
          ),
        )
        .finally(() => inflight.delete(settled));
      inflight.add(settled);
      return delivery;
    });
  }

  async function runOnce(): Promise<number> {
    const started = await claimAndStart();
    // Every delivery settles before this does, even when one of them failed.
    const results = await Promise.allSettled(started);
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    return started.length;
  }

  let timer: ReturnType<typeof setTimeout> | null = null;
  let claiming: Promise<unknown> = Promise.resolve();
  let stopped = true;
  const tick = () => {
    claiming = claimAndStart()
      .catch((error: unknown) => logger.warn({ err: error }, 'sending webhooks failed; retrying'))
      .finally(() => {
        // Unref'd: pending webhooks alone do not keep a host's process alive (they wait safely).
        if (!stopped) timer = setTimeout(tick, pollMs).unref();
      });
  };
  return {
    start() {
      if (!stopped) return;
      stopped = false;
      tick();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await claiming;
      // Until none is left: a runOnce of the host's may have started more meanwhile.
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
    runOnce,
  };
}

/** Why a request failed, in a sentence with no URL (it may carry a token) and no secret. */
function describe(error: unknown, timeoutMs: number): string {
  const name = (error as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError') return `No response within ${timeoutMs} ms`;
  const code = (error as { code?: string }).code;
  return code ? `The request failed: ${code}` : 'The request failed';
}
