// The webhook outbox as the storage sees it: messages written in the same transaction as the
// change they announce, then claimed, tried and settled by a dispatcher.

/** One webhook to send: an event for one endpoint, written with the change it announces. */
export interface OutboxMessage {
  /** The `webhook-id` header: the same on every attempt, so receivers can drop duplicates. */
  id: string;
  /** The host's endpoint it goes to. */
  endpointId: string;
  /** The session's owner and the session, so a session's deliveries can be listed. */
  ownerId: string;
  sessionId: string;
  /** The event's `type`, e.g. `session.completed`. */
  eventType: string;
  /** The exact body to sign and send (JSON text), kept as text so every attempt is the same. */
  payload: string;
  createdAt: string;
  /** When it may be tried (first: when it was written). */
  nextAttemptAt: string;
}

/**
 * How long a delivered or failed outbox message is kept after it settled (its last attempt):
 * `Storage.sweep(now)` deletes those settled at or before `now` minus this. 30 days. A pending
 * message is never swept.
 */
export const OUTBOX_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/** Where a message stands: waiting for an attempt, delivered (a 2xx), or given up. */
export type OutboxStatus = 'pending' | 'delivered' | 'failed';

/** One try at sending a message. */
export interface DeliveryAttempt {
  /** ISO time the attempt started. */
  at: string;
  /** The receiver's HTTP status; null when no response came (timeout, refused, unreachable). */
  status: number | null;
  /** Why it did not deliver, in a sentence (never a secret); null for a 2xx. */
  error: string | null;
  durationMs: number;
}

/** A message as stored, with every attempt made so far. */
export interface OutboxRecord extends OutboxMessage {
  status: OutboxStatus;
  attempts: DeliveryAttempt[];
  /** When it was delivered or given up; null while pending. */
  settledAt: string | null;
}

/** What `claimOutbox` takes: the due messages are leased to `leaseId` until `leaseUntil`. */
export interface OutboxClaim {
  /** ISO time now: messages whose `nextAttemptAt` is at or before it are due. */
  now: string;
  leaseId: string;
  /** A dispatcher that stops before it records an attempt loses the lease then. */
  leaseUntil: string;
  /** At most this many messages, oldest due first. */
  limit: number;
}

/** What follows an attempt: another one at `nextAttemptAt`, or the message is settled. */
export type DeliveryOutcome =
  | { status: 'pending'; nextAttemptAt: string }
  | { status: 'delivered' | 'failed'; at: string };
