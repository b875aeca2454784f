import { isIP } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { UaipError } from '../errors';
import type { SessionEvent } from '../orchestrator/events';

/** The session events a webhook can be sent for. */
export const WEBHOOK_EVENT_TYPES = [
  'stage.completed',
  'session.completed',
  'review.requested',
  'review.voted',
  'review.decided',
  'review.reopened',
  'review.closed',
] as const satisfies ReadonlyArray<SessionEvent['type']>;

/** A session event a webhook can be sent for. */
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** An event type, or `review.*` for every review event, or `*` for all of them. */
export type WebhookEventPattern = WebhookEventType | 'review.*' | '*';

/** A receiver the host registered. */
export interface WebhookEndpoint {
  /** Names the endpoint in the outbox and the logs (stable: pending messages refer to it). */
  id: string;
  /** Where deliveries are POSTed: `https:` (or `http:`) only. */
  url: string;
  /**
   * The signing secret, `whsec_` then base64 (Standard Webhooks): receivers verify each
   * delivery with it. A new secret signs every later attempt, also of pending messages.
   */
  secret: string;
  /** The events it receives. */
  events: WebhookEventPattern[];
}

/**
 * Webhooks for the host's endpoints: give the same object to `createOrchestrator` (which
 * writes the outbox) and to `createWebhookDispatcher` (which sends it).
 */
export interface WebhookOptions {
  endpoints: WebhookEndpoint[];
  /**
   * Addresses deliveries may go to that are otherwise refused (loopback, private, link-local,
   * shared and reserved ranges, cloud metadata): `true` for any, or a list of IP addresses,
   * CIDR ranges (`10.0.0.0/8`, `fd00::/8`) and host names (`hooks.internal`).
   * @default none: public addresses only
   */
  allowPrivateNetworks?: boolean | string[];
  /** How long one delivery may take before it counts as failed. @default 10000 */
  timeoutMs?: number;
  /** How long a message is retried after it was written, then given up. @default 24 hours */
  retryForMs?: number;
}

const PATTERNS: ReadonlySet<string> = new Set([...WEBHOOK_EVENT_TYPES, 'review.*', '*']);

/** Whether the endpoint receives events of this type. */
export function subscribes(endpoint: WebhookEndpoint, type: string): boolean {
  return endpoint.events.some(
    (pattern) =>
      pattern === type || pattern === '*' || (pattern === 'review.*' && type.startsWith('review.')),
  );
}

/**
 * Checks the options once, when they are given, so a typo fails at startup rather than at the
 * first delivery: `validation_failed` naming the field (never echoing a secret).
 */
export function checkWebhookOptions(options: WebhookOptions): void {
  const fail = (path: string, message: string): never => {
    throw new UaipError('validation_failed', `Webhooks: ${path}: ${message}`, {
      details: [{ path, message }],
    });
  };
  const ids = new Set<string>();
  options.endpoints.forEach((endpoint, index) => {
    const at = `endpoints.${index}`;
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(endpoint.id ?? ''))
      fail(`${at}.id`, 'Use 1 to 64 letters, digits, dots, dashes or underscores');
    if (ids.has(endpoint.id)) fail(`${at}.id`, `The id "${endpoint.id}" is used twice`);
    ids.add(endpoint.id);
    let url: URL | null = null;
    try {
      url = new URL(endpoint.url);
    } catch {
      fail(`${at}.url`, 'Not a URL');
    }
    if (url && url.protocol !== 'https:' && url.protocol !== 'http:')
      fail(`${at}.url`, 'Only https: and http: URLs can receive webhooks');
    if (url && (url.username || url.password))
      fail(`${at}.url`, 'Put no credentials in the URL: receivers verify the signature');
    if (!endpoint.secret?.startsWith('whsec_'))
      fail(`${at}.secret`, 'Give a Standard Webhooks secret: whsec_ followed by base64');
    try {
      new Webhook(endpoint.secret);
    } catch {
      fail(`${at}.secret`, 'Not valid base64 after whsec_');
    }
    if (!Array.isArray(endpoint.events) || endpoint.events.length === 0)
      fail(`${at}.events`, 'Name at least one event');
    for (const pattern of endpoint.events) {
      if (!PATTERNS.has(pattern))
        fail(`${at}.events`, `Unknown event "${pattern}": use ${[...PATTERNS].join(', ')}`);
    }
  });
  const allow = options.allowPrivateNetworks;
  if (Array.isArray(allow)) {
    allow.forEach((entry, index) => {
      if (!allowedEntry(entry))
        fail(
          `allowPrivateNetworks.${index}`,
          `"${entry}" is no address, CIDR range or host name` +
            (/^[^:]+:\d+$/.test(entry) ? ' (leave out the port)' : ''),
        );
    });
  }
  for (const field of ['timeoutMs', 'retryForMs'] as const) {
    const value = options[field];
    if (value !== undefined && !(Number.isInteger(value) && value > 0))
      fail(field, 'A whole number of milliseconds above 0');
  }
}

/** An IP address, a CIDR range with a prefix its family can have, or a host name. */
function allowedEntry(entry: string): boolean {
  const [network = '', prefix, extra] = entry.split('/');
  const family = isIP(network);
  if (extra !== undefined) return false;
  if (prefix !== undefined) {
    const bits = Number(prefix);
    return family !== 0 && /^\d+$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
  }
  // Labels of 1 to 63 characters separated by single dots: linear, so a long entry that does
  // not match (a port, say) fails at once rather than backtracking for minutes.
  return (
    family !== 0 ||
    /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i.test(
      entry,
    )
  );
}
