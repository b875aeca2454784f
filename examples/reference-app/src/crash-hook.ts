import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { LlmProvider, Storage } from '@uaip/core';

/**
 * TEST-ONLY. Where `UAIP_CRASH_AT` makes the app `SIGKILL` itself during an answer turn, so the
 * crash tests (`crash.test.ts`) can prove that a restart and a re-send record each answer
 * exactly once. Unset (always, outside those tests) the hook does not exist: nothing is wrapped.
 *
 * - `before-llm`: the question is claimed, the model not called yet.
 * - `during-llm`: the model request was sent (its body written) and no reply used yet (or, for
 *   a provider without HTTP such as `demo`, once its reply arrived, before anything is stored).
 * - `after-commit`: the turn is committed (with its idempotency key's response), the HTTP
 *   response not sent.
 */
export const CRASH_POINTS = ['before-llm', 'during-llm', 'after-commit'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

/** Dies at once, as `kill -9` would: no handler, no flush, no shutdown. */
function die(point: CrashPoint): never {
  // stderr on a pipe is synchronous on Linux, so this line is out before the signal.
  process.stderr.write(`uaip: UAIP_CRASH_AT=${point}: killing the process (SIGKILL)\n`);
  process.kill(process.pid, 'SIGKILL');
  // SIGKILL to oneself is delivered before kill() returns; this is never reached.
  throw new Error('unreachable');
}

/** Wraps the LLM or the storage the orchestrator uses so that the process dies at `point`. */
export function withCrashHook(
  point: CrashPoint,
  parts: { llm: LlmProvider; storage: Storage },
): { llm: LlmProvider; storage: Storage } {
  const { llm, storage } = parts;
  if (point === 'after-commit') {
    return {
      llm,
      storage: {
        ...storage,
        async commitTurn(ownerId, sessionId, commit) {
          const committed = await storage.commitTurn(ownerId, sessionId, commit);
          if (committed) die(point);
          return committed;
        },
      },
    };
  }
  return {
    storage,
    llm: {
      id: llm.id,
      async generate(request, options) {
        if (point === 'before-llm') die(point);
        // Node's fetch (used by the Anthropic and Ollama clients) reports each request body
        // written on this channel.
        const sent = () => die(point);
        subscribe('undici:request:bodySent', sent);
        try {
          await llm.generate(request, options);
        } finally {
          unsubscribe('undici:request:bodySent', sent);
        }
        return die(point);
      },
    },
  };
}
