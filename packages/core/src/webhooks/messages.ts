import { UaipError } from '../errors';
import type { SessionEvent } from '../orchestrator/events';
import type { OutboxMessage } from '../storage/outbox-types';
import type { Storage } from '../storage/types';
import { checkWebhookOptions, subscribes, type WebhookOptions } from './config';

/** Builds the outbox messages of a change's events: one per event and subscribed endpoint. */
export type WebhookOutbox = (ownerId: string, events: SessionEvent[]) => OutboxMessage[];

/**
 * The body of a webhook, in the Standard Webhooks shape: `type`, `timestamp` (the event's
 * time) and `data`: the event's fields and the session's owner. Ids and outcomes only: no
 * answer, artifact or comment text leaves through a webhook.
 */
export function webhookPayload(ownerId: string, event: SessionEvent): string {
  const { type, at, ...fields } = event;
  return JSON.stringify({ type, timestamp: at, data: { ownerId, ...fields } });
}

/**
 * What the orchestrator writes with each commit when webhooks are configured: checks the
 * options, and that the storage keeps an outbox (else `validation_failed` at startup).
 */
export function createWebhookOutbox(
  options: WebhookOptions,
  storage: Storage,
  newId: () => string,
): WebhookOutbox {
  checkWebhookOptions(options);
  if (!storage.claimOutbox || !storage.recordDelivery || !storage.listOutbox) {
    throw new UaipError(
      'validation_failed',
      'Webhooks need a storage with an outbox (claimOutbox, recordDelivery, listOutbox)',
    );
  }
  const endpoints = options.endpoints;
  return (ownerId, events) => {
    const messages: OutboxMessage[] = [];
    for (const event of events) {
      let payload: string | undefined;
      for (const endpoint of endpoints) {
        if (!subscribes(endpoint, event.type)) continue;
        payload ??= webhookPayload(ownerId, event);
        messages.push({
          id: `msg_${newId()}`,
          endpointId: endpoint.id,
          ownerId,
          sessionId: event.sessionId,
          eventType: event.type,
          payload,
          createdAt: event.at,
          nextAttemptAt: event.at,
        });
      }
    }
    return messages;
  };
}
