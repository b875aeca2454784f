export type { KoaApp, KoaAppOptions } from './create-app';
export { createKoaApp } from './create-app';
export type { UaipRouter, UaipRouterOptions } from './create-router';
export { createUaipRouter } from './create-router';
export type { ErrorBody, ErrorResponse } from './error-response';
export { STATUS_BY_CODE, toErrorResponse } from './error-response';
export type { HealthOptions, HealthReport } from './health';
export { createHealthCheck } from './health';
export type { HttpServerOptions } from './http-server';
export { createHttpServer, HTTP_SERVER_DEFAULTS } from './http-server';
export type { HttpLogger } from './logging';
export { createLogger } from './logging';
export type { McpEndpoint } from './mcp-route';
export type { Metrics } from './metrics';
export { createMetrics } from './metrics';
export type { OpenApiOptions } from './open-api-document';
export { openApiDocument } from './open-api-document';
export type { RateLimitOptions, RateLimitStore, RateLimits } from './rate-limits';
export {
  createRateLimits,
  memoryRateLimitStore,
  postgresRateLimitStore,
  redisRateLimitStore,
} from './rate-limits';
export {
  answerResultSchema,
  errorBodySchema,
  healthSchema,
  historySchema,
  loginResultSchema,
  memberResultSchema,
  memberSchema,
  reviewAssignmentPageSchema,
  reviewerSchema,
  reviewResultSchema,
  reviewRoundSchema,
  reviewSchema,
  revisionSummarySchema,
  sessionMembersSchema,
  sessionPageSchema,
  sessionReviewSchema,
  sessionSchema,
  sharedSessionPageSchema,
  turnListSchema,
  turnSchema,
  usageSchema,
  userSchema,
  webhookDeliveryListSchema,
  webhookDeliverySchema,
  workflowListSchema,
} from './response-schemas';
export type { RouteSpec } from './route-spec';
export { API_CSP, securityHeaders } from './security-headers';
