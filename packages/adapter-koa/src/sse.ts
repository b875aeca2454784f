import { PassThrough } from 'node:stream';
import type { Orchestrator, Principal, SessionEvent } from '@uaip/core';
import type { Context } from 'koa';

/**
 * Streams a session's events as Server-Sent Events: `event: <type>`, `id: <version>`,
 * `data: <JSON>`, with a `: ping` comment every `heartbeatMs` so proxies keep the connection.
 * Ownership is checked before the first byte; the subscription ends when the client goes.
 */
export async function streamEvents(
  ctx: Context,
  orchestrator: Orchestrator,
  principal: Principal,
  sessionId: string,
  heartbeatMs: number,
): Promise<void> {
  const stream = new PassThrough();
  const write = (event: SessionEvent) => {
    stream.write(`event: ${event.type}\nid: ${event.version}\ndata: ${JSON.stringify(event)}\n\n`);
  };
  // Subscribing first throws not_found for another user's session, before any header is sent.
  const unsubscribe = await orchestrator.subscribe(principal, sessionId, write);
  const heartbeat = setInterval(() => stream.write(': ping\n\n'), heartbeatMs);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    stream.end();
  };
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
  stream.write(': connected\n\n');
  // A client that went away while the session loaded has had its 'close' already.
  if (ctx.req.destroyed || ctx.req.socket.destroyed) close();
}
