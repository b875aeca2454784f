import type { EventBus, SessionEvent, SessionListener } from '@uaip/core';
import pg from 'pg';
import { toStorageError } from './errors';

/** Options of {@link createPgEventBus}: a pool of the host's, or a URL to open one for. */
export interface PgEventBusOptions {
  /** Publishes through this pool; it stays open on `close()`. Give this or `connectionString`. */
  pool?: pg.Pool;
  /** A `postgres://` URL; the small pool opened for publishing is closed on `close()`. */
  connectionString?: string;
  /**
   * The LISTEN/NOTIFY channel: every instance of one deployment must use the same one. Lower
   * case letters, digits and `_`.
   * @default 'uaip_session_events'
   */
  channel?: string;
  /**
   * Receives what cannot be thrown to a caller: the listening connection failing (it
   * reconnects by itself), a notification that is not a session event, a listener that threw.
   * @default ignore them
   */
  onError?: (error: unknown) => void;
  /**
   * How long opening a connection may take.
   * @default 5000
   */
  connectionTimeoutMs?: number;
}

/** An {@link EventBus} with a `close()` that stops listening and closes what it opened. */
export type PgEventBus = EventBus & {
  /** Stops listening and releases the connections the bus opened. */
  close(): Promise<void>;
};

// NOTIFY refuses payloads of 8000 bytes or more; session events are a few hundred bytes, so
// this margin is only reached by an unusually long error message or reason, which is trimmed.
const MAX_PAYLOAD_BYTES = 7000;
const TRIMMED_STRING_LENGTH = 500;
const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;
const MAX_RECONNECT_DELAY_MS = 5000;

/**
 * The core {@link EventBus} over PostgreSQL LISTEN/NOTIFY, so session events reach
 * subscribers on every instance of the app that shares the database. Publishing is one
 * `pg_notify` through the pool; receiving uses one dedicated connection per bus (not taken
 * from the pool), which reconnects by itself with backoff after an error. Events sent while it
 * is reconnecting are not replayed: an event carries the session `version`, and a client that
 * missed some reads the session again.
 *
 * Resolves once the bus is listening, so an event published after that reaches it.
 *
 * @example
 * ```ts
 * const events = await createPgEventBus({ connectionString: process.env.DATABASE_URL });
 * const orchestrator = createOrchestrator({ storage, llm, workflows, events });
 * ```
 */
export async function createPgEventBus(options: PgEventBusOptions): Promise<PgEventBus> {
  const channel = options.channel ?? 'uaip_session_events';
  if (!CHANNEL.test(channel)) throw new TypeError(`Invalid channel name: ${channel}`);
  if (!options.pool && !options.connectionString) {
    throw new TypeError('createPgEventBus needs a pool or a connectionString');
  }
  const onError = options.onError ?? (() => {});
  const connectionTimeoutMillis = options.connectionTimeoutMs ?? 5000;
  const ownsPool = !options.pool;
  const pool =
    options.pool ??
    new pg.Pool({ connectionString: options.connectionString, max: 2, connectionTimeoutMillis });
  if (ownsPool) pool.on('error', onError);
  // The listening connection is opened like the pool's connections, but on its own.
  const clientConfig: pg.ClientConfig = {
    ...(options.pool ? options.pool.options : { connectionString: options.connectionString }),
    connectionTimeoutMillis,
    keepAlive: true,
    application_name: `uaip-events:${channel}`.slice(0, 63),
  };

  const listeners = new Map<string, Set<SessionListener>>();
  let client: pg.Client | null = null;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;

  function deliver(message: pg.Notification): void {
    if (message.channel !== channel) return;
    const event = parseEvent(message.payload);
    if (!event) {
      onError(new Error(`Ignored a notification on ${channel} that is not a session event`));
      return;
    }
    for (const listener of listeners.get(event.sessionId) ?? []) {
      try {
        listener(event);
      } catch (error) {
        onError(error);
      }
    }
  }

  async function listen(): Promise<void> {
    const next = new pg.Client(clientConfig);
    next.on('notification', deliver);
    // Both fire when the connection dies; the first one schedules the reconnect.
    const lost = (error?: Error) => {
      if (client !== next) return;
      client = null;
      if (error) onError(error);
      next.end().catch(() => {});
      scheduleReconnect();
    };
    next.on('error', lost);
    next.on('end', () => lost());
    try {
      await next.connect();
      await next.query(`listen "${channel}"`);
    } catch (error) {
      next.end().catch(() => {});
      throw error;
    }
    if (closed) {
      await next.end();
      return;
    }
    client = next;
    failures = 0;
  }

  function scheduleReconnect(): void {
    if (closed || retryTimer) return;
    const delay = Math.min(MAX_RECONNECT_DELAY_MS, 100 * 2 ** failures);
    failures += 1;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (closed) return;
      listen().catch((error: unknown) => {
        onError(error);
        scheduleReconnect();
      });
    }, delay);
    // A bus waiting to reconnect must not keep the process alive by itself.
    retryTimer.unref();
  }

  try {
    await listen();
  } catch (error) {
    if (ownsPool) await pool.end().catch(() => {});
    throw toStorageError(error);
  }

  return {
    async publish(event) {
      const payload = encodeEvent(event);
      try {
        await pool.query('select pg_notify($1, $2)', [channel, payload]);
      } catch (error) {
        throw toStorageError(error);
      }
    },
    subscribe(sessionId, listener) {
      const set = listeners.get(sessionId) ?? new Set<SessionListener>();
      set.add(listener);
      listeners.set(sessionId, set);
      return () => {
        set.delete(listener);
        // Safe to call twice: a second call must not drop a newer listener's set.
        if (set.size === 0 && listeners.get(sessionId) === set) listeners.delete(sessionId);
      };
    },
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      const current = client;
      client = null;
      await current?.end().catch(() => {});
      if (ownsPool) await pool.end();
    },
  };
}

/** The event as a NOTIFY payload, long strings trimmed so it stays under the limit. */
export function encodeEvent(event: SessionEvent): string {
  let payload = JSON.stringify(event);
  if (Buffer.byteLength(payload) <= MAX_PAYLOAD_BYTES) return payload;
  const trimmed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    trimmed[key] =
      typeof value === 'string' && value.length > TRIMMED_STRING_LENGTH
        ? `${value.slice(0, TRIMMED_STRING_LENGTH)}…`
        : value;
  }
  payload = JSON.stringify(trimmed);
  if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
    throw new RangeError(`Session event ${event.type} is too large to publish`);
  }
  return payload;
}

function parseEvent(payload: string | undefined): SessionEvent | null {
  try {
    const value: unknown = JSON.parse(payload ?? '');
    if (typeof value !== 'object' || value === null) return null;
    const { sessionId, type, version, at } = value as Record<string, unknown>;
    const valid =
      typeof sessionId === 'string' &&
      typeof type === 'string' &&
      typeof version === 'number' &&
      typeof at === 'string';
    return valid ? (value as SessionEvent) : null;
  } catch {
    return null;
  }
}
