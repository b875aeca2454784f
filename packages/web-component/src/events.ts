import type { Session, User } from './api-types';

/** Detail of `uaip-signed-in`. */
export interface SignedInDetail {
  token: string;
  user: User;
}

/** Detail of `uaip-session-started` and `uaip-session-completed`. */
export interface SessionDetail {
  session: Session;
}

/**
 * Detail of `uaip-session-selected` (a session picked in the list) and `uaip-session-left`
 * (the person left a session shared with them).
 */
export interface SessionSelectedDetail {
  sessionId: string;
}

/** Detail of `uaip-stage-completed`. */
export interface StageCompletedDetail {
  stageId: string;
}

/** Detail of `uaip-error`: the HTTP status (0 when unreachable), the code and its message. */
export interface ErrorDetail {
  status: number;
  code: string;
  message: string;
}

/** Dispatches a bubbling, composed event, so a host page hears it through every shadow root. */
export function emit<T>(target: EventTarget, type: string, detail: T): void {
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}

declare global {
  interface HTMLElementEventMap {
    'uaip-signed-in': CustomEvent<SignedInDetail>;
    'uaip-session-started': CustomEvent<SessionDetail>;
    'uaip-session-selected': CustomEvent<SessionSelectedDetail>;
    'uaip-session-left': CustomEvent<SessionSelectedDetail>;
    'uaip-stage-completed': CustomEvent<StageCompletedDetail>;
    'uaip-session-completed': CustomEvent<SessionDetail>;
    'uaip-error': CustomEvent<ErrorDetail>;
  }
}
