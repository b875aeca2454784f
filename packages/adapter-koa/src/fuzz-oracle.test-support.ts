import { STATUS_BY_CODE } from './error-response';
import type { RawRequest, RawResponse } from './raw-http.test-support';
import { errorBodySchema } from './response-schemas';
import { SECRET } from './test-api.test-support';

// What every response of the API must be, whatever the request: a status of the contract, the
// error body with the request id of the header, and nothing of the server's insides.

/** The contract's statuses when storage and the LLM are up: success, and the 4xx of its error table. */
export const CONTRACT_STATUSES: ReadonlySet<number> = new Set([
  200,
  201,
  204,
  ...Object.values(STATUS_BY_CODE).filter((status) => status >= 400 && status < 500),
]);

/** Insides that must never reach any body (none of these can come from what the fuzzer sends). */
const LEAKS_ANYWHERE: ReadonlyArray<[string, RegExp]> = [
  ['a stack frame', /\bat (?:async )?(?:[\w$.<>[\]]+ )?\(?(?:file:\/\/)?\/[^\s():]+:\d+:\d+/],
  ['a stack trace', /\n\s+at [\w$.<]/],
  ['node_modules', /node_modules/],
  ['a source file', /\.(?:ts|js|mjs|cjs):\d+/],
  ['a file URL', /file:\/\//],
  ['a path of this checkout', new RegExp(escapeRegExp(process.cwd()))],
  ['the JWT secret', new RegExp(escapeRegExp(SECRET))],
  ['the provider key', /sk-test/],
  ['a bcrypt hash', /\$2[aby]\$\d\d\$/],
  ['a password hash field', /passwordHash|password_hash"\s*:/],
];

/** Insides that must never reach an error body once the request's own text is taken out. */
const LEAKS_IN_ERRORS: ReadonlyArray<[string, RegExp]> = [
  ['SQL', /\b(?:select|insert|update|delete)\b[\s\S]*\b(?:from|into|set|where)\b/i],
  [
    'a database error',
    /syntax error at or near|violates|duplicate key|relation "|SQLSTATE|\bpg_|ECONNREFUSED/i,
  ],
  [
    'an exception',
    /\b(?:TypeError|RangeError|ReferenceError|SyntaxError|URIError|ZodError)\b|Unexpected token|undefined is not|Cannot read prop/,
  ],
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every string in a request: its path, header values and the strings of its JSON body. */
export function stringsOf(request: RawRequest): string[] {
  const found: string[] = [decodeSafely(request.path)];
  for (const value of Object.values(request.headers ?? {})) found.push(...[value].flat());
  const walk = (value: unknown) => {
    if (typeof value === 'string') found.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object')
      for (const key of Object.keys(value)) {
        found.push(key);
        walk((value as Record<string, unknown>)[key]);
      }
  };
  if (request.body !== undefined) {
    try {
      walk(JSON.parse(request.body.toString()));
    } catch {
      found.push(request.body.toString());
    }
  }
  // Shorter strings are not worth taking out: they cannot hide a leak, only cut words up.
  return found.filter((text) => text.length >= 3).sort((a, b) => b.length - a.length);
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The problems of one response: a status outside the contract (any 5xx included), an error body
 * that is not the contract's, a request id that differs from the header, leaked insides.
 * `prompts` are fragments of the system prompts, which must never be echoed.
 */
export function contractProblems(
  request: RawRequest,
  response: RawResponse,
  prompts: readonly string[],
): string[] {
  const problems: string[] = [];
  if (!CONTRACT_STATUSES.has(response.status))
    problems.push(`status ${response.status} is not one of the contract's`);
  const requestId = response.headers['x-request-id'];
  if (typeof requestId !== 'string' || requestId.length === 0)
    problems.push('no X-Request-Id header');
  const given = request.headers?.['x-request-id'];
  if (typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) && requestId !== given)
    problems.push(`X-Request-Id ${given} was not kept`);
  if (response.status >= 400 && request.method !== 'HEAD') {
    const parsed = errorBodySchema.safeParse(response.json);
    if (!parsed.success) problems.push('the error body is not the contract error body');
    else {
      if (parsed.data.error.requestId !== requestId)
        problems.push('the error requestId differs from X-Request-Id');
      if (STATUS_BY_CODE[parsed.data.error.code] !== response.status)
        problems.push(`code ${parsed.data.error.code} does not go with ${response.status}`);
    }
    if (!String(response.headers['content-type']).startsWith('application/json'))
      problems.push('an error that is not JSON');
    let own = response.text;
    for (const text of stringsOf(request)) {
      own = own.split(text).join('').split(JSON.stringify(text).slice(1, -1)).join('');
    }
    for (const [name, pattern] of LEAKS_IN_ERRORS)
      if (pattern.test(own)) problems.push(`the error body leaks ${name}`);
  }
  for (const [name, pattern] of LEAKS_ANYWHERE)
    if (pattern.test(response.text)) problems.push(`the body leaks ${name}`);
  for (const fragment of prompts)
    if (response.text.includes(fragment)) problems.push('the body leaks a system prompt');
  return problems;
}
