import { join } from 'node:path';
import {
  memoryRateLimitStore,
  postgresRateLimitStore,
  type RateLimitStore,
  redisRateLimitStore,
} from '@uaip/adapter-koa';
import { createInProcessEventBus, type EventBus, type Storage } from '@uaip/core';
import { createEmbeddedStorage, createPgEventBus, createPgStorage } from '@uaip/storage-pg';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { AppConfig } from './config';

/** Where the app keeps its state, and how to let go of it. */
export interface Persistence {
  storage: Storage;
  events: EventBus;
  rateLimitStore: RateLimitStore;
  /** For the start-up line: no password in it. */
  description: string;
  close(): Promise<void>;
}

/**
 * `DATABASE_URL` → a PostgreSQL server for sessions, events (LISTEN/NOTIFY, so every instance
 * hears every turn) and rate limits (or Redis with `REDIS_URL`); otherwise embedded PostgreSQL
 * in `DATA_DIR`, the in-process bus and memory (or Redis) rate limits.
 */
export async function openPersistence(
  config: AppConfig,
  onError: (error: unknown) => void,
): Promise<Persistence> {
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
    : undefined;
  redis?.on('error', onError);
  const closeRedis = async () => {
    await redis?.quit().catch(() => redis.disconnect());
  };
  if (config.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: config.databaseUrl,
      max: config.databasePoolSize,
      // Names the app's connections in pg_stat_activity (the event bus's listener is uaip-events:…).
      application_name: 'uaip',
      connectionTimeoutMillis: 5_000,
      statement_timeout: config.databaseStatementTimeoutMs,
      // The server enforces statement_timeout; this client-side bound also ends a query whose
      // server went silent (hung, or a dead network), and pg then drops that connection. Without
      // it, a request on such a connection would wait forever.
      query_timeout: config.databaseStatementTimeoutMs + 5_000,
      keepAlive: true,
      idle_in_transaction_session_timeout: 60_000,
    });
    pool.on('error', onError);
    const storage = await createPgStorage({ pool });
    const events = await createPgEventBus({ pool, onError });
    return {
      storage,
      events,
      rateLimitStore: redis ? redisRateLimitStore(redis) : postgresRateLimitStore(pool),
      description: `PostgreSQL at ${withoutPassword(config.databaseUrl)}${redis ? ', rate limits in Redis' : ''}`,
      async close() {
        await events.close();
        await storage.close();
        await pool.end();
        await closeRedis();
      },
    };
  }
  const dataDir = join(config.dataDir, 'pg');
  const storage = await createEmbeddedStorage({ dataDir });
  return {
    storage,
    events: createInProcessEventBus(onError),
    rateLimitStore: redis ? redisRateLimitStore(redis) : memoryRateLimitStore(),
    description: `embedded PostgreSQL (PGlite) in ${dataDir}`,
    async close() {
      await storage.close();
      await closeRedis();
    },
  };
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured server';
  }
}
