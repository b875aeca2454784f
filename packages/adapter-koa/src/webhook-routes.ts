import type { Orchestrator } from '@uaip/core';
import { webhookDeliveryListSchema } from './response-schemas';
import { principalOf, type RouteSpec, sessionIdOf } from './route-spec';

/**
 * The webhooks of a session, for its owner: what the host's endpoints were sent and how each
 * attempt went. The core decides who may (the owner only) and what is shown (never an
 * endpoint's URL or secret).
 */
export function webhookRoutes(orchestrator: Orchestrator): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/sessions/:id/webhook-deliveries',
      operationId: 'listWebhookDeliveries',
      summary:
        "The session's webhooks with every delivery attempt, oldest first (owner only); empty when the host sends none",
      auth: true,
      responses: {
        200: { description: 'The deliveries', schema: webhookDeliveryListSchema },
      },
      errors: ['not_found', 'forbidden'],
      async handle(ctx) {
        const items = await orchestrator.webhookDeliveries(principalOf(ctx), sessionIdOf(ctx));
        ctx.body = { items };
      },
    },
  ];
}
