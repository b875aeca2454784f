import { type Orchestrator, type Principal, UaipError } from '@uaip/core';
import type { UaipBackend } from './backend';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The backend of an orchestrator in this process, acting as `principal`: what a host that
 * embeds uaip gives {@link createUaipMcpServer}, and what the HTTP endpoint builds per request
 * from the request's token.
 *
 * @example
 * ```ts
 * const server = createUaipMcpServer({ backend: embeddedBackend(orchestrator, { userId }) });
 * ```
 */
export function embeddedBackend(orchestrator: Orchestrator, principal: Principal): UaipBackend {
  // As the HTTP API does: an id that is not a UUID names no session (and a SQL storage would
  // refuse it with an error of its own).
  const sessionId = (id: string) => {
    if (!UUID.test(id)) throw new UaipError('not_found', 'Session not found');
    return id;
  };
  return {
    async workflows() {
      return orchestrator.workflows().map((workflow) => ({
        id: workflow.id,
        title: workflow.title,
        description: workflow.description,
        stages: workflow.stages.map(({ id, title, description }) => ({ id, title, description })),
      }));
    },
    start: (input) => orchestrator.start(principal, input),
    get: (id) => orchestrator.get(principal, sessionId(id)),
    list: (input) => orchestrator.list(principal, input),
    answer: (id, input, idempotencyKey) =>
      orchestrator.answer(principal, sessionId(id), input, { idempotencyKey }),
    async charter(id, format) {
      const report = await orchestrator.report(principal, sessionId(id), format);
      return report.body;
    },
  };
}
