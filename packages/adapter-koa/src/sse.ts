import { PassThrough } from 'node:stream';
import type { Orchestrator, Principal, SessionEvent } from '@uaip/core';
import type { Context } from 'koa';

/**
 * Streams a session's events as Server-Sent Events: `event: <type>`, `id: <version>`,
 * `data: <JSON>`, with a `: ping` comment every `heartbeatMs` so proxies keep the connection.
 * Access is checked before the first byte; the subscription ends when the client goes, or
 * after the `sharing.changed` event that ends the caller's own access to a shared session.
 */
export async function streamEvents(
  ctx: Context,
  orchestrator: Orchestrator,
  principal: Principal,
  sessionId: string,
  heartbeatMs: number,
): Promise<void> {
  const stream = new PassThrough();
  let unsubscribe: (() => void) | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe?.();
    stream.end();
  };
  const write = (event: SessionEvent) => {
    if (closed) return;
    stream.write(`event: ${event.type}\nid: ${event.version}\ndata: ${JSON.stringify(event)}\n\n`);
    // Access was checked once, when the stream opened: a member removed since is told, then the
    // stream ends, so they no longer follow a session that is 404 for them now.
    if (event.type === 'sharing.changed' && event.userId === principal.userId && !event.role)
      close();
  };
  // Subscribing first throws not_found for another user's session, before any header is sent.
  unsubscribe = await orchestrator.subscribe(principal, sessionId, write);
  if (closed) unsubscribe();
  else heartbeat = setInterval(() => stream.write(': ping\n\n'), heartbeatMs);
  ctx.req.on('close', close);
  ctx.req.socket.setTimeout(0);
  ctx.req.socket.setNoDelay(true);
  ctx.set('Content-Type', 'text/event-stream; charset=utf-8');
  ctx.set('Cache-Control', 'no-cache, no-transform');
  ctx.set('Connection', 'keep-alive');
  ctx.set('X-Accel-Buffering', 'no');
  ctx.status = 200;
  ctx.body = stream;
  // An opening comment gets the headers out now, so the client knows it is connected.
  if (!closed) stream.write(': connected\n\n');
  // A client that went away while the session loaded has had its 'close' already.
  if (ctx.req.destroyed || ctx.req.socket.destroyed) close();
}
