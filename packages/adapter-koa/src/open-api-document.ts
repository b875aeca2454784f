import { ERROR_CODES, type ErrorCode } from '@uaip/core';
import { STATUS_BY_CODE } from './error-response';
import { DEFAULT_BODY_LIMIT_BYTES } from './json-body';
import { openApiSchemas } from './openapi-schemas';
import { errorBodySchema, healthSchema } from './response-schemas';
import type { RouteSpec } from './route-spec';

// Every operation can answer these: a query parameter it does not list is a 400, and another
// method on its path a 405. OpenAPI has no responses per path, so each operation of the path
// lists the 405 that its siblings' methods would get.
const ALWAYS = [
  'validation_failed',
  'method_not_allowed',
  'unauthorized',
  'rate_limited',
  'internal',
  'storage_unavailable',
] as const;
/** What an operation with a request body can answer besides. */
const WITH_BODY = ['validation_failed', 'payload_too_large', 'unsupported_media_type'] as const;

/** When the codes whose cause a client cannot guess from the code alone happen. */
const WHEN: Partial<Record<ErrorCode, string>> = {
  validation_failed:
    'the body or query fails its schema, or the query has a parameter the operation does not list',
  method_not_allowed: 'the path does not serve the method sent; `Allow` lists those it serves',
  payload_too_large: 'the body is over the size limit (x-maxBytes of the request body)',
  unsupported_media_type: 'the body is not JSON',
};

/** The path parameters the routes use. */
const PATH_PARAMETERS: Record<string, { description?: string; schema: Record<string, unknown> }> = {
  id: { description: 'A session id', schema: { type: 'string', format: 'uuid' } },
  turnId: {
    description: 'The `id` of a turn of the transcript',
    schema: { type: 'string', minLength: 1, maxLength: 200 },
  },
  userId: {
    description: 'The `userId` of a member of the session',
    schema: { type: 'string', minLength: 1, maxLength: 200 },
  },
};

const ALLOW_HEADER = {
  Allow: { description: 'The methods this path serves', schema: { type: 'string' } },
};

const DESCRIPTION = [
  'Every string in a request must be well-formed Unicode: a lone UTF-16 surrogate is refused',
  'with 400 (JSON Schema cannot say so). String lengths count Unicode code points, as JSON',
  'Schema does; byte limits are in `x-minBytes` / `x-maxBytes`. Query parameters an operation',
  'does not list are refused with 400 `validation_failed`, naming them in `details`.',
].join(' ');

/** Options of {@link openApiDocument}. */
export interface OpenApiOptions {
  /** The document's `info.title`. @default 'uaip API' */
  title?: string;
  /** The document's `info.version`. @default '1' */
  version?: string;
  /** The router's body limit, published with the request bodies. @default 65536 */
  bodyLimitBytes?: number;
}

/**
 * The OpenAPI 3.1 document of the API, generated from the route table: the request schemas are
 * the zod schemas that validate requests (with every limit they check), the responses the
 * contract's response schemas and every error an operation can answer.
 */
export function openApiDocument(
  routes: ReadonlyArray<RouteSpec & { fullPath: string }>,
  info: OpenApiOptions = {},
): Record<string, unknown> {
  const bodyLimitBytes = info.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const paths: Record<string, Record<string, unknown>> = {};
  const { schemaOf: jsonSchema, components } = openApiSchemas();
  // As the router reads bodies: a route's own limit when it takes more than the router's.
  const maxBytesOf = (route: RouteSpec) => Math.max(route.bodyLimitBytes ?? 0, bodyLimitBytes);
  for (const route of routes) {
    const path = route.fullPath.replace(/:(\w+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [, name] of route.fullPath.matchAll(/:(\w+)/g)) {
      const parameter = PATH_PARAMETERS[name!] ?? { schema: { type: 'string' } };
      parameters.push({ name, in: 'path', required: true, ...parameter });
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
    if (route.idempotent) {
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
    const codes = new Set<ErrorCode>([
      ...route.errors,
      ...(route.auth ? ALWAYS : ALWAYS.filter((code) => code !== 'unauthorized')),
      ...(route.body ? WITH_BODY : []),
    ]);
    Object.assign(responses, errorResponses(codes));
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
              description: `JSON, at most ${maxBytesOf(route)} bytes (413 past it)`,
              'x-maxBytes': maxBytesOf(route),
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
        ...errorResponses(['method_not_allowed']),
      },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: info.title ?? 'uaip API',
      version: info.version ?? '1',
      description: DESCRIPTION,
    },
    paths,
    components: {
      schemas: { ErrorBody: jsonSchema(errorBodySchema, 'output'), ...components() },
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    'x-error-codes': Object.fromEntries(ERROR_CODES.map((code) => [code, STATUS_BY_CODE[code]])),
  };
}

/** The error responses for these codes, by status; codes that share a status share its entry. */
function errorResponses(codes: Iterable<ErrorCode>): Record<string, unknown> {
  const responses: Record<string, { description: string; [key: string]: unknown }> = {};
  for (const code of codes) {
    const status = String(STATUS_BY_CODE[code]);
    const said = WHEN[code] ? `${code}: ${WHEN[code]}` : code;
    const existing = responses[status];
    responses[status] = {
      description: existing ? `${existing.description}; or ${said}` : said,
      ...(code === 'method_not_allowed' ? { headers: ALLOW_HEADER } : {}),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
    };
  }
  return responses;
}
