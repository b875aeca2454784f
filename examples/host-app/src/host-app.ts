import { createUaipRouter } from '@uaip/adapter-koa';
import { createMemoryStorage, createOrchestrator, demoProvider, type Principal } from '@uaip/core';
import { uaipWorkflow } from '@uaip/core/uaip';
import Koa from 'koa';

/**
 * An app that already exists: its own pages, its own users (API keys here), and now the uaip
 * API under `/scoping/api`, which trusts the host to say who is calling.
 */
export function createHostApp(apiKeys: Record<string, string>): Koa {
  const app = new Koa();
  const orchestrator = createOrchestrator({
    storage: createMemoryStorage(),
    llm: demoProvider(),
    workflows: [uaipWorkflow],
  });
  const scoping = createUaipRouter({
    orchestrator,
    prefix: '/scoping/api',
    // The host's identity: whoever its API key belongs to. No register or login routes.
    authenticate: async (ctx): Promise<Principal | null> => {
      const userId = apiKeys[ctx.get('x-api-key')];
      return userId ? { userId } : null;
    },
  });
  app.use(scoping.middleware());
  // The host's own routes keep working next to the API.
  app.use(async (ctx) => {
    if (ctx.path === '/') ctx.body = { app: 'host', message: 'Welcome to the host app' };
  });
  return app;
}
