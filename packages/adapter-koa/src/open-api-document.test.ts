import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteSpec } from './route-spec';
import {
  type CallResult,
  NO_RATE_LIMITS,
  PASSWORD,
  startTestApi,
  type TestApi,
} from './test-api.test-support';

// The OpenAPI document against the server, route by route of the router's own table: every
// input the document describes is probed at, under and over each of its limits, and the server
// must accept exactly what the document says it accepts. A fuzzer driven by the document found
// it looser than the server (no length limits, no email format, no byte limits, no cursor format).

/** The part of JSON Schema the document uses for inputs. */
interface Schema {
  type?: string;
  anyOf?: Schema[];
  enum?: unknown[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  'x-minBytes'?: number;
  'x-maxBytes'?: number;
  minItems?: number;
  maxItems?: number;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema: Schema;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: {
    'x-maxBytes': number;
    content: { 'application/json': { schema: { properties: Record<string, Schema> } } };
  };
  responses: Record<string, { headers?: Record<string, unknown> }>;
}

type Route = RouteSpec & { fullPath: string };

let api: TestApi;
let token: string;
let sessionId: string;
let operations: Array<{ route: Route; operation: Operation }>;
let probes = 0;

beforeAll(async () => {
  api = await startTestApi({
    // Limits out of the way: every probe must reach its route's validation, not a 429.
    rateLimits: NO_RATE_LIMITS,
  });
  token = (await api.user()).token;
  sessionId = (await api.call('POST', '/api/v1/sessions', { token, body: { idea: 'Cut churn' } }))
    .json.id;
  const document = (await api.call('GET', '/openapi.json')).json;
  operations = api.app.router.routes.map((route) => ({
    route,
    operation: document.paths[route.fullPath.replace(/:(\w+)/g, '{$1}')][route.method],
  }));
});

afterAll(async () => {
  await api?.close();
});

/** A valid body for each route that takes one, before one property is replaced by a probe. */
const BASE_BODIES: Record<string, () => Record<string, unknown>> = {
  register: () => ({ email: `probe${++probes}@example.com`, password: PASSWORD }),
  login: () => ({ email: 'nobody@example.com', password: 'not the password' }),
  // A wrong current password: every valid body is a 401, and no token gets revoked.
  changePassword: () => ({ currentPassword: 'not the password', newPassword: 'a new password' }),
  startSession: () => ({ idea: 'Predict churn of prepaid customers' }),
  // No question of that id is pending: every valid body is a 409, and no turn runs.
  answer: () => ({ questionId: 'q-not-pending', answer: 'Acme Telecom, 8% churn a month' }),
  // The path names no turn of the session: every valid body is a 404, and no turn runs.
  reviseAnswer: () => ({ answer: 'Acme Telecom, 8% churn a month' }),
  // No account has that email: every valid body is a 404, and nobody is added.
  shareSession: () => ({ email: 'nobody@example.com', role: 'viewer' }),
  // The path names no member: every valid body is a 404, and nobody is added.
  changeMemberRole: () => ({ role: 'editor' }),
  // The session is not completed: every valid body is a 422, and nobody is asked. As many
  // reviewers as may be named, so that every approvalsRequired the document allows is valid.
  requestReview: () => ({
    reviewers: Array.from({ length: 20 }, (_, index) => ({ email: `r${index}@example.com` })),
  }),
  // No review was requested: every valid body is a 422, and no vote is cast.
  voteOnReview: () => ({ vote: 'approve', comment: 'The risks are owned' }),
  // An export with nothing in it: every valid format and version is a 400 naming the missing
  // parts, and nothing is stored.
  importSession: () => ({ format: 'uaip.session', version: 1 }),
};

/**
 * Inputs of which a body takes exactly one: a probe of one leaves the others out of the base
 * body, so that it is judged on its own.
 */
const ONE_OF: Record<string, string[]> = { shareSession: ['email', 'userId'] };

/** A turn id no turn of the session has. */
const NO_TURN = '00000000-0000-4000-8000-00000000dead';
/** A user id no member of the session has. */
const NO_MEMBER = 'no-such-member';

interface Probe {
  body?: Record<string, unknown>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  method?: string;
}

/** Sends `probe` to the route as the test user, on the user's session where the path has an id. */
function send(route: Route, probe: Probe = {}) {
  const path = route.fullPath
    .replace(':id', sessionId)
    .replace(':turnId', NO_TURN)
    .replace(':userId', NO_MEMBER);
  const search = probe.query ? `?${new URLSearchParams(probe.query)}` : '';
  return api.call(probe.method ?? route.method.toUpperCase(), `${path}${search}`, {
    ...(route.auth ? { token } : {}),
    ...(probe.body ? { body: probe.body } : {}),
    ...(probe.headers ? { headers: probe.headers } : {}),
  });
}

/** Whether the response refuses the input named `name` (a 400 whose details name it). */
function refuses(response: CallResult, name: string): boolean {
  return (
    response.status === 400 &&
    response.json?.error?.code === 'validation_failed' &&
    (response.json.error.details ?? []).some((detail: { path: string }) => detail.path === name)
  );
}

/**
 * Whether the document's schema accepts `value` (lengths in code points, as JSON Schema counts).
 * A query or header integer comes as digits; a body's is a JSON number.
 */
function documentAccepts(schema: Schema, value: unknown, inBody = false): boolean {
  if (schema.anyOf) return schema.anyOf.some((branch) => documentAccepts(branch, value, inBody));
  if (schema.enum) return schema.enum.includes(value);
  if (schema.type === 'null') return value === null;
  if (schema.type === 'array') {
    return (
      Array.isArray(value) &&
      value.length >= (schema.minItems ?? 0) &&
      value.length <= (schema.maxItems ?? Infinity)
    );
  }
  if (schema.type === 'integer') {
    const number =
      typeof value === 'number'
        ? value
        : !inBody && typeof value === 'string' && /^-?\d+$/.test(value)
          ? Number(value)
          : Number.NaN;
    return (
      Number.isInteger(number) &&
      number >= (schema.minimum ?? -Infinity) &&
      number <= (schema.maximum ?? Infinity)
    );
  }
  if (typeof value !== 'string') return false;
  const characters = [...value].length;
  const bytes = Buffer.byteLength(value, 'utf8');
  return (
    characters >= (schema.minLength ?? 0) &&
    characters <= (schema.maxLength ?? Infinity) &&
    (schema.pattern === undefined || new RegExp(schema.pattern, 'u').test(value)) &&
    bytes >= (schema['x-minBytes'] ?? 0) &&
    bytes <= (schema['x-maxBytes'] ?? Infinity)
  );
}

const SAMPLES = [
  'x',
  '',
  '   ',
  'a\u0000b',
  '  padded  ',
  'ada@example.com',
  'Ada.Lovelace+uaip@Example.COM',
  ' grace@example.org ',
  'not an email',
  'a@b',
  'AbC-_9',
  'has space',
  'slash/plus+',
  'éééé',
  'éééa',
  '😀',
  '😀😀',
  'md',
  'json',
  'pdf',
];

/** Strings to try on a string input: samples, and each limit's neighbours in ASCII, emoji, bytes. */
function stringProbes(schema: Schema): string[] {
  const probes = new Set<string>([...SAMPLES, ...(schema.enum ?? []).map(String)]);
  const sized = (length: number) =>
    schema.format === 'email'
      ? [`${'a'.repeat(Math.max(0, length - 12))}@example.com`]
      : ['x'.repeat(length), '😀'.repeat(length)];
  for (const limit of [schema.minLength, schema.maxLength]) {
    if (limit === undefined) continue;
    for (const length of [limit - 1, limit, limit + 1]) {
      if (length < 0) continue;
      for (const probe of sized(length)) probes.add(probe);
    }
  }
  for (const bytes of [schema['x-minBytes'], schema['x-maxBytes']]) {
    if (bytes === undefined) continue;
    // é is 2 bytes: exactly `bytes`, and one byte more.
    probes.add('é'.repeat(bytes / 2));
    probes.add(`${'é'.repeat(bytes / 2)}a`);
  }
  return [...probes];
}

/**
 * Values to try on an input: in a body, integers as JSON numbers (and a string of digits, which
 * is no integer there), and arrays of `sample`'s first item at and around their item limits.
 */
function probesFor(schema: Schema, inBody: boolean, sample: unknown): unknown[] {
  const branches = schema.anyOf ?? [schema];
  const values: unknown[] = [];
  for (const branch of branches) {
    if (branch.type === 'null') values.push(null);
    else if (branch.type === 'integer') {
      const { minimum = 0, maximum = 1000 } = branch;
      const limits = [minimum - 1, minimum, maximum, maximum + 1];
      values.push(
        ...(inBody ? [...limits, 1.5, String(minimum)] : [...limits.map(String), '1.5']),
        'abc',
      );
    } else if (branch.type === 'array') {
      const item = Array.isArray(sample) ? sample[0] : undefined;
      const { minItems = 0, maxItems = 100 } = branch;
      for (const length of [minItems - 1, minItems, maxItems, maxItems + 1])
        if (length >= 0) values.push(Array.from({ length }, () => item));
      values.push('x');
    } else values.push(...stringProbes(branch));
  }
  return values;
}

/** Each input the document describes for an operation, and how to send a value in it. */
function inputsOf(route: Route, operation: Operation) {
  const base = () => (route.body ? { body: BASE_BODIES[route.operationId]!() } : {});
  const properties = operation.requestBody?.content['application/json'].schema.properties ?? {};
  const parameters = (operation.parameters ?? []).filter((parameter) => parameter.in !== 'path');
  return [
    ...Object.entries(properties).map(([name, schema]) => ({
      name,
      schema,
      inBody: true,
      values: () => probesFor(schema, true, base().body?.[name]),
      probe: (value: unknown): Probe => {
        const body: Record<string, unknown> = { ...base().body };
        for (const other of ONE_OF[route.operationId] ?? []) delete body[other];
        return { body: { ...body, [name]: value } };
      },
    })),
    ...parameters.map(({ name, schema, in: where }) => ({
      name,
      schema,
      inBody: false,
      values: () => probesFor(schema, false, undefined),
      probe: (value: unknown): Probe => ({
        ...base(),
        [where === 'query' ? 'query' : 'headers']: { [name]: String(value) },
      }),
    })),
  ];
}

describe('the OpenAPI document, route by route of the router table', () => {
  it('lists 400, 405 with Allow, and for operations with a body 413 and 415, and the server answers them', async () => {
    for (const { route, operation } of operations) {
      const label = `${route.method.toUpperCase()} ${route.fullPath}`;
      expect(Object.keys(operation.responses), label).toEqual(
        expect.arrayContaining(['400', '405']),
      );
      expect(operation.responses['405']!.headers, label).toHaveProperty('Allow');

      const wrongMethod = await send(route, { method: 'PUT' });
      expect(wrongMethod.status, label).toBe(405);
      expect(wrongMethod.headers.get('allow'), label).toContain(route.method.toUpperCase());

      if (!route.body) continue;
      expect(Object.keys(operation.responses), label).toEqual(
        expect.arrayContaining(['413', '415']),
      );
      const path = route.fullPath
        .replace(':id', sessionId)
        .replace(':turnId', NO_TURN)
        .replace(':userId', NO_MEMBER);
      const auth = route.auth ? { token } : {};
      const notJson = await api.call(route.method.toUpperCase(), path, {
        ...auth,
        rawBody: 'idea=x',
        headers: { 'content-type': 'text/plain' },
      });
      expect(notJson.status, label).toBe(415);
      const maxBytes = operation.requestBody!['x-maxBytes'];
      const tooLarge = await api.call(route.method.toUpperCase(), path, {
        ...auth,
        rawBody: JSON.stringify({ idea: 'x'.repeat(maxBytes) }),
        headers: { 'content-type': 'application/json' },
      });
      expect(tooLarge.status, label).toBe(413);
    }
  });

  it('refuses a query parameter an operation does not list with 400, naming it, on every route', async () => {
    for (const { route, operation } of operations) {
      const label = `${route.method.toUpperCase()} ${route.fullPath}`;
      const listed = (operation.parameters ?? []).filter((parameter) => parameter.in === 'query');
      // A listed parameter with a valid value beside the unknown one: only the unknown is named.
      const query: Record<string, string> = { unlisted: '1' };
      if (listed.some((parameter) => parameter.name === 'limit')) query.limit = '5';
      const response = await send(route, {
        query,
        ...(route.body ? { body: BASE_BODIES[route.operationId]!() } : {}),
      });
      expect(response.status, label).toBe(400);
      expect(response.json.error.details, label).toEqual([
        { path: 'unlisted', message: 'Unknown query parameter' },
      ]);
    }
  });

  it('publishes every limit the server checks: each input is accepted exactly when the document says so', async () => {
    let checked = 0;
    for (const { route, operation } of operations) {
      const label = (name: string, value: unknown) =>
        `${route.method.toUpperCase()} ${route.fullPath} ${name} = ${JSON.stringify(value)?.slice(0, 60)} (${[...String(value)].length} characters)`;
      if (route.body)
        expect(BASE_BODIES, `a base body for ${route.operationId}`).toHaveProperty(
          route.operationId,
        );
      for (const { name, schema, inBody, values, probe } of inputsOf(route, operation)) {
        // The fuzzer's first finding: string inputs without a length limit.
        for (const branch of schema.anyOf ?? [schema])
          if (branch.type === 'string' && !branch.enum)
            expect(branch.maxLength, `${route.fullPath} ${name} has a maxLength`).toBeDefined();
        for (const value of values()) {
          const request = probe(value);
          // Header values are Latin-1 on the wire, and lose surrounding spaces.
          if (request.headers && !/^[\x21-\x7e]*$/.test(String(value))) continue;
          const response = await send(route, request);
          expect(response.status, label(name, value)).toBeLessThan(500);
          expect(refuses(response, name), label(name, value)).toBe(
            !documentAccepts(schema, value, inBody),
          );
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(200);
  }, 120_000);
});
