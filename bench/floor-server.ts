import { createSecretKey } from 'node:crypto';
import Router from '@koa/router';
import jwt from 'jsonwebtoken';
import Koa from 'koa';
import type pg from 'pg';

// The floor for GET /api/v1/sessions/:id (issue 21): the least any correct server must do for
// that request, written by hand for speed. Koa and @koa/router; the bearer token verified by
// jsonwebtoken with a KeyObject (algorithm, issuer, audience, expiry and age checked); the
// user read by primary key to check that the token is not revoked; the session and its stage
// rows read by primary key and owner in one statement; the row sent as JSON. No request id,
// security headers, log, metrics, rate limits, input or output validation.

const USER_SQL = 'select token_version from users where id = $1';
const SESSION_SQL = `
select s.*, coalesce((
  select jsonb_agg(r order by r.position) from stage_results r where r.session_id = s.id
), '[]'::jsonb) as stages
from sessions s where s.id = $1 and s.owner_id = $2`;

export function floorApp(pool: pg.Pool, secret: string): Koa {
  const key = createSecretKey(Buffer.from(secret));
  const router = new Router({ prefix: '/api/v1' });
  router.get('/sessions/:id', async (ctx) => {
    const token = /^Bearer (.+)$/.exec(ctx.get('authorization'))?.[1];
    let claims: { sub?: unknown; ver?: unknown };
    try {
      claims = jwt.verify(token ?? '', key, {
        algorithms: ['HS256'],
        issuer: 'uaip',
        audience: 'uaip-api',
        maxAge: '24h',
      }) as typeof claims;
    } catch {
      ctx.status = 401;
      return;
    }
    const user = await pool.query({ name: 'floor_user', text: USER_SQL, values: [claims.sub] });
    if (user.rows[0]?.token_version !== claims.ver) {
      ctx.status = 401;
      return;
    }
    const session = await pool.query({
      name: 'floor_session',
      text: SESSION_SQL,
      values: [ctx.params.id, claims.sub],
    });
    if (session.rows.length === 0) {
      ctx.status = 404;
      return;
    }
    ctx.body = session.rows[0];
  });
  const app = new Koa();
  // Requests still running when the bench stops the server find the pool closed: not news.
  app.silent = true;
  app.use(router.routes());
  return app;
}
