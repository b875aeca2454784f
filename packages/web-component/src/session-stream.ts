import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { UaipClient } from './api-client';
import type { SessionEvent } from './api-types';

/**
 * A session's event stream, kept open while asked for and ended when the host leaves the
 * page. It only adds live detail: answers and errors come from the responses.
 */
export class SessionStream implements ReactiveController {
  private stream: { sessionId: string; abort: AbortController } | null = null;

  constructor(
    host: ReactiveControllerHost,
    private readonly options: {
      client: () => UaipClient;
      onEvent: (event: SessionEvent) => void;
    },
  ) {
    host.addController(this);
  }

  hostDisconnected() {
    this.stop();
  }

  /** Opens the stream of `sessionId`, unless it is open already. */
  start(sessionId: string) {
    if (this.stream?.sessionId === sessionId) return;
    this.stop();
    const stream = { sessionId, abort: new AbortController() };
    this.stream = stream;
    this.options
      .client()
      .events(sessionId, this.options.onEvent, { signal: stream.abort.signal })
      .catch(() => {})
      .finally(() => {
        if (this.stream === stream) this.stream = null;
      });
  }

  stop() {
    this.stream?.abort.abort();
    this.stream = null;
  }
}
