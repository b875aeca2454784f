import { ERROR_CODES } from '@uaip/core';
import { z } from 'zod';
import { STATUS_BY_CODE } from './error-response';
import { errorBodySchema, healthSchema } from './response-schemas';
import type { RouteSpec } from './route-spec';

const ALWAYS = ['unauthorized', 'rate_limited', 'internal', 'storage_unavailable'] as const;

/**
 * The OpenAPI 3.1 document of the API, generated from the route table: the request schemas are
 * the zod schemas that validate requests, the responses the contract's response schemas.
 */
export function openApiDocument(
  routes: ReadonlyArray<RouteSpec & { fullPath: string }>,
  info: { title?: string; version?: string } = {},
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.fullPath.replace(/:(\w+)/g, '{$1}');
    const parameters: unknown[] = [];
    if (route.fullPath.includes(':id')) {
      parameters.push({
        name: 'id',
        in: 'path',
        required: true,
        schema: { type: 'string', format: 'uuid' },
      });
    }
    if (route.query) {
      const query = jsonSchema(route.query, 'input') as {
        properties?: Record<string, unknown>;
        required?: string[];
      };
      for (const [name, schema] of Object.entries(query.properties ?? {})) {
        parameters.push({
          name,
          in: 'query',
          required: query.required?.includes(name) ?? false,
          schema,
        });
      }
    }
    if (route.operationId === 'answer') {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'Replays the first response to a retry (scoped to the user, kept 24 hours)',
        schema: { type: 'string', minLength: 1, maxLength: 255 },
      });
    }
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      const content = response.schema
        ? { 'application/json': { schema: jsonSchema(response.schema, 'output') } }
        : response.contentTypes
          ? Object.fromEntries(response.contentTypes.map((type) => [type, {}]))
          : undefined;
      responses[status] = { description: response.description, ...(content ? { content } : {}) };
    }
    const codes = new Set([
      ...route.errors,
      ...(route.auth ? ALWAYS : ALWAYS.filter((code) => code !== 'unauthorized')),
    ]);
    for (const code of codes) {
      const status = String(STATUS_BY_CODE[code]);
      const existing = responses[status] as { description: string } | undefined;
      responses[status] = {
        description: existing ? `${existing.description}, or ${code}` : code,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
      };
    }
    paths[path] ??= {};
    paths[path][route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.auth ? { security: [{ bearerAuth: [] }] } : { security: [] }),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
  }
  paths['/health'] = {
    get: {
      operationId: 'health',
      summary: 'Storage and LLM providers, probed for real',
      security: [],
      responses: {
        200: {
          description: 'ok or degraded',
          content: { 'application/json': { schema: jsonSchema(healthSchema, 'output') } },
        },
        503: {
          description: 'The storage is down',
          content: { 'application/json': { schema: jsonSchema(healthSchema, 'output') } },
        },
      },
    },
  };
  return {
    openapi: '3.1.0',
    info: { title: info.title ?? 'uaip API', version: info.version ?? '1' },
    paths,
    components: {
      schemas: { ErrorBody: jsonSchema(errorBodySchema, 'output') },
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    'x-error-codes': Object.fromEntries(ERROR_CODES.map((code) => [code, STATUS_BY_CODE[code]])),
  };
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return rest;
}
