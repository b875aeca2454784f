import type { QuestionKind } from '../storage/types';

/** What every session event carries. */
export interface EventBase {
  sessionId: string;
  /** The session version the event belongs to (the SSE event id). */
  version: number;
  /** ISO time. */
  at: string;
}

/** Everything that happens to a session, as subscribers see it. */
export type SessionEvent =
  | (EventBase & { type: 'turn.started'; questionId: string })
  | (EventBase & {
      type: 'llm.attempt';
      provider: string;
      model: string;
      outcome: string;
      purpose: string;
      inputTokens: number;
      outputTokens: number;
      cacheReadTokens: number;
      cacheWriteTokens: number;
      /** Null when the model has no known price. */
      costUsd: number | null;
      latencyMs: number;
    })
  | (EventBase & { type: 'llm.fallback'; from: string; to: string; reason: string })
  | (EventBase & {
      type: 'answer.scored';
      questionId: string;
      score: number;
      threshold: number;
      escalated: boolean;
    })
  | (EventBase & {
      type: 'question.asked';
      questionId: string;
      stageId: string;
      kind: QuestionKind;
    })
  | (EventBase & { type: 'stage.completed'; stageId: string; gatePassed: boolean })
  | (EventBase & { type: 'session.completed' })
  | (EventBase & {
      type: 'sharing.changed';
      /** The member whose access changed. */
      userId: string;
      /** Their role now; null when their access ended. */
      role: 'viewer' | 'editor' | null;
    })
  | (EventBase & {
      type: 'revision.started';
      revisionId: string;
      /** The accepted turn whose answer is revised. */
      turnId: string;
      stageId: string;
      /** The stages it will re-extract once the revised answer is accepted. */
      stale: string[];
    })
  | (EventBase & {
      type: 'stage.reextracted';
      revisionId: string;
      stageId: string;
      gatePassed: boolean;
    })
  | (EventBase & {
      type: 'revision.completed';
      revisionId: string;
      turnId: string;
      /** Every stage the revision re-extracted, in order. */
      rebuilt: string[];
      /** Whether the session's result (U-AIP: the charter's decision) was rebuilt. */
      resultRebuilt: boolean;
    })
  | (EventBase & {
      type: 'review.requested';
      round: number;
      /** The reviewers' user ids. */
      reviewers: string[];
      approvalsRequired: number;
    })
  | (EventBase & {
      type: 'review.voted';
      round: number;
      userId: string;
      vote: 'approve' | 'reject';
    })
  | (EventBase & {
      type: 'review.decided';
      round: number;
      outcome: 'approved' | 'rejected';
      /** The reviewer whose vote settled it. */
      decidedBy: string;
    })
  | (EventBase & {
      type: 'review.reopened';
      /** The new round, with the same reviewers, about the revised result. */
      round: number;
    })
  | (EventBase & {
      type: 'review.closed';
      round: number;
      /** `revised`: a revision changed the result, which no longer calls for a review. */
      reason: 'revised';
    })
  | (EventBase & { type: 'error'; code: string; message: string });

/** The `type` of a session event. */
export type SessionEventType = SessionEvent['type'];

/** Receives the events of one session. */
export type SessionListener = (event: SessionEvent) => void;

/**
 * Carries session events to subscribers. The in-process bus is the default; a bus on
 * PostgreSQL LISTEN/NOTIFY carries them between server instances.
 */
export interface EventBus {
  /** Delivers an event to the subscribers of its session. */
  publish(event: SessionEvent): void | Promise<void>;
  /** Returns a function that ends the subscription. */
  subscribe(sessionId: string, listener: SessionListener): () => void;
}

/**
 * An {@link EventBus} inside one process. A listener that throws breaks neither the turn nor
 * the other listeners: its error goes to `onListenerError`.
 */
export function createInProcessEventBus(
  onListenerError: (error: unknown) => void = () => {},
): EventBus {
  const listeners = new Map<string, Set<SessionListener>>();
  return {
    publish(event) {
      for (const listener of listeners.get(event.sessionId) ?? []) {
        try {
          listener(event);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    subscribe(sessionId, listener) {
      const set = listeners.get(sessionId) ?? new Set<SessionListener>();
      set.add(listener);
      listeners.set(sessionId, set);
      let subscribed = true;
      return () => {
        // Safe to call twice: a second call must not drop another listener's set.
        if (!subscribed) return;
        subscribed = false;
        set.delete(listener);
        if (set.size === 0 && listeners.get(sessionId) === set) listeners.delete(sessionId);
      };
    },
  };
}

/**
 * A bus that also hands every event published through it, in this process, to `onEvent`
 * (for metrics and logs), then to the wrapped bus.
 */
export function tapEventBus(bus: EventBus, onEvent: (event: SessionEvent) => void): EventBus {
  return {
    publish(event) {
      try {
        onEvent(event);
      } catch {
        // An observer's bug must not break a turn.
      }
      return bus.publish(event);
    },
    subscribe: (sessionId, listener) => bus.subscribe(sessionId, listener),
  };
}
