import { gzipSync } from 'node:zlib';
import { answerInput, loginInput, registerInput, startSessionInput } from '@uaip/core';
import fc from 'fast-check';
import type { z } from 'zod';
import {
  apiRequest,
  BODY_LIMIT,
  brief,
  type Fuzzer,
  type FuzzUser,
  plan,
} from './fuzz-plan.test-support';
import { answerTexts, registerBodies, startBodies } from './fuzz-valid-plans.test-support';
import {
  deeplyNested,
  inputJsonSchema,
  invalidOf,
  repeated,
  toJsonText,
  validOf,
} from './json-schema-arbitrary.test-support';
import { requestReviewBody, voteBody } from './review-routes';
import { shareBody } from './sharing-routes';

// Attacks on the body: its shape (generated from the route's schema), its syntax, its bytes, its
// depth, its size, its content type and encoding. Each still has to get a status of the
// contract, the exact one where it is certain.

const pick = fc.nat({ max: 1000 });

type BodyRoute = 'start' | 'answer' | 'share' | 'review' | 'vote' | 'register' | 'login';

const schemas: Record<BodyRoute, z.ZodType> = {
  start: startSessionInput,
  answer: answerInput,
  share: shareBody,
  review: requestReviewBody,
  vote: voteBody,
  register: registerInput,
  login: loginInput,
};

const validBodies: Record<BodyRoute, fc.Arbitrary<unknown>> = {
  start: startBodies,
  answer: answerTexts.map((answer) => ({ questionId: 'q-placeholder', answer })),
  // A user id no account has: sharing with it touches no other lane's user.
  share: fc
    .tuple(fc.nat(), fc.constantFrom('viewer', 'editor'))
    .map(([number, role]) => ({ userId: `outsider-${number}`, role })),
  // Reviewers no account has, as for a share: a request touches no other lane's user.
  review: fc
    .uniqueArray(fc.nat(), { minLength: 1, maxLength: 3 })
    .map((numbers) => ({ reviewers: numbers.map((number) => ({ userId: `outsider-${number}` })) })),
  vote: validOf(inputJsonSchema(voteBody)).filter((body) => voteBody.safeParse(body).success),
  register: registerBodies,
  login: registerBodies.map((body) => {
    const { email, password } = body as { email: string; password: string };
    return { email, password };
  }),
};

// Login accepts nearly any pair of strings, so most of its bad bodies still cost a bcrypt compare.
const bodyRoute = fc.constantFrom<BodyRoute>(
  'start',
  'start',
  'answer',
  'answer',
  'answer',
  'share',
  'review',
  'vote',
  'register',
  'login',
);

/** The statuses a JSON body can get on its route, from its size, syntax and schema. */
function statusesFor(route: BodyRoute, text: string): readonly number[] | undefined {
  if (Buffer.byteLength(text) > BODY_LIMIT) return [413];
  let parsed: unknown;
  try {
    // The body reader drops a byte order mark, as JSON parsers may (RFC 8259, section 8.1).
    parsed = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch {
    return [400];
  }
  // Strict JSON: objects and arrays only. Prototype keys are refused by the parser.
  if (parsed === null || typeof parsed !== 'object') return [400];
  if (text.includes('"__proto__"') || text.includes('"constructor"')) return undefined;
  return schemas[route].safeParse(parsed).success ? undefined : [400];
}

/** A body whose main field (the one the route stores or checks) holds `value`. */
const withMainField = (route: BodyRoute, value: unknown) =>
  ({
    start: { idea: value },
    answer: { questionId: 'q-placeholder', answer: value },
    share: { userId: value, role: 'viewer' },
    review: { reviewers: [{ userId: value }] },
    vote: { vote: 'approve', comment: value },
    register: { email: value, password: 'correct horse battery' },
    login: { email: value, password: 'correct horse battery' },
  })[route];

/** A POST to a body route as `user`, answering their real pending question where the body says `q-placeholder`. */
async function bodyRequest(
  fuzzer: Fuzzer,
  user: FuzzUser,
  route: BodyRoute,
  which: number,
  json: string,
) {
  const onSession = ['answer', 'share', 'review', 'vote'].includes(route);
  const session = onSession
    ? await fuzzer.session(user, which, { active: route === 'answer' })
    : null;
  const text = session ? json.replaceAll('q-placeholder', session.pendingId ?? '') : json;
  const path = {
    start: '/sessions',
    answer: `/sessions/${session?.id}/answers`,
    share: `/sessions/${session?.id}/members`,
    review: `/sessions/${session?.id}/review`,
    vote: `/sessions/${session?.id}/review/votes`,
    register: '/auth/register',
    login: '/auth/login',
  }[route];
  const token = route === 'start' || onSession ? user.token : undefined;
  return { text, request: apiRequest('POST', path, { ...(token ? { token } : {}), json: text }) };
}

/** Sends a JSON body to its route, expecting what {@link statusesFor} says. */
const sendBody = (route: BodyRoute, which: number, json: string, label: string) =>
  plan(`${label} for ${route}: ${brief(json)}`, async (fuzzer, user) => {
    const { request, text } = await bodyRequest(fuzzer, user, route, which, json);
    const expected = statusesFor(route, text);
    await fuzzer.send(request, { valid: false, ...(expected ? { expect: expected } : {}) });
  });

const badBodyFor = (route: BodyRoute, weight: number) => ({
  weight,
  arbitrary: fc
    .tuple(pick, invalidOf(inputJsonSchema(schemas[route]), validBodies[route]))
    .map(([which, body]) => sendBody(route, which, toJsonText(body), 'a bad body')),
});

const badBody = fc.oneof(
  badBodyFor('start', 3),
  badBodyFor('answer', 4),
  badBodyFor('share', 2),
  badBodyFor('review', 1),
  badBodyFor('vote', 1),
  badBodyFor('register', 1),
  badBodyFor('login', 1),
);

const malformedJson = fc
  .tuple(
    bodyRoute,
    pick,
    fc.oneof(
      startBodies.map((body) => JSON.stringify(body).slice(0, -1)),
      startBodies.map((body) => `${JSON.stringify(body)}}`),
      fc.constantFrom(
        '{',
        '{"idea":}',
        "{'idea':'x'}",
        '{"idea":"x",}',
        '{"idea":"x" /* c */}',
        '{"idea":NaN}',
        '{"idea":"\\x41"}',
        '{"idea":"\\ud800\\udc00\\udfff"}',
        '\ufeff{"idea":"bom"}',
        '{"idea":"x"}{"idea":"y"}',
        '{"idea":"x","idea":5}',
        '{"idea":5,"idea":"x"}',
        '[1,2,',
        'undefined',
        '\u0000',
        ' ',
      ),
    ),
  )
  .map(([route, which, json]) => sendBody(route, which, json, 'malformed JSON'));

const notUtf8 = fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) =>
  plan(`bytes that are not UTF-8 in a JSON string (${bytes.length})`, async (fuzzer, user) => {
    const body = Buffer.concat([
      Buffer.from('{"idea":"'),
      Buffer.from([0xed, 0xa0, 0x80, 0xc3, 0x28, 0xff]),
      Buffer.from(bytes).filter((byte) => byte !== 0x22 && byte !== 0x5c && byte >= 0x20),
      Buffer.from('"}'),
    ]);
    await fuzzer.send(
      { ...apiRequest('POST', '/sessions', { token: user.token, json: '' }), body },
      { valid: false, expect: [201, 400] },
    );
  }),
);

const deepNesting = fc
  .tuple(bodyRoute, pick, deeplyNested(fc.integer({ min: 500, max: 40_000 })), fc.boolean())
  .map(([route, which, nested, inField]) =>
    sendBody(
      route,
      which,
      inField ? toJsonText(withMainField(route, nested)) : nested.text,
      'deep nesting',
    ),
  );

const oversize = fc
  .tuple(bodyRoute, pick, repeated(fc.integer({ min: BODY_LIMIT + 1, max: 100_000 })), fc.boolean())
  .map(([route, which, huge, chunked]) =>
    plan(
      `over the body limit for ${route} (${huge.length} chars, chunked ${chunked})`,
      async (fuzzer, user) => {
        const json = JSON.stringify(withMainField(route, huge));
        const { request } = await bodyRequest(fuzzer, user, route, which, json);
        await fuzzer.send({ ...request, chunked }, { valid: false, expect: [413] });
      },
    ),
  );

const contentTypes = fc
  .tuple(
    bodyRoute,
    pick,
    fc.constantFrom(
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'text/html',
      'application/octet-stream',
      'application/jsonx',
      'json',
      '',
      'application/json; charset=utf-16',
      'application/json; charset=bogus',
      'application/json; charset=latin1',
      'APPLICATION/JSON',
      'application/json;;;',
      'application/vnd.api+json',
      'application/problem+json',
      '*/*',
      'application/*',
    ),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([route, which, type, chunked, omit]) =>
    plan(
      `content type ${JSON.stringify(omit ? null : type)} for ${route} (chunked ${chunked})`,
      async (fuzzer, user) => {
        const json = '{"idea":"content type","questionId":"q-placeholder","answer":"yes"}';
        const { request } = await bodyRequest(fuzzer, user, route, which, json);
        const headers = { ...request.headers };
        if (omit) delete headers['content-type'];
        else headers['content-type'] = type;
        const plainlyNotJson = omit || !/json/i.test(type) || type === 'application/jsonx';
        await fuzzer.send(
          { ...request, headers, chunked },
          { valid: false, ...(plainlyNotJson ? { expect: [415] } : {}) },
        );
      },
    ),
  );

const contentEncodings = fc
  .tuple(
    bodyRoute,
    pick,
    fc.constantFrom('gzip', 'deflate', 'br', 'compress', 'identity', 'gzip, gzip', 'x-unknown'),
    fc.constantFrom('garbage', 'gzip'),
  )
  .map(([route, which, encoding, payload]) =>
    plan(
      `Content-Encoding ${encoding} with a ${payload} body for ${route}`,
      async (fuzzer, user) => {
        const json = '{"idea":"encoded","questionId":"q-placeholder","answer":"yes"}';
        const { request } = await bodyRequest(fuzzer, user, route, which, json);
        const body =
          payload === 'gzip'
            ? gzipSync(Buffer.from(request.body!))
            : Buffer.from('not compressed at all');
        const decodable = payload === 'gzip' && (encoding === 'gzip' || encoding === 'deflate');
        // Bytes the encoding cannot decode are a bad body (400); an unknown encoding is a 415.
        const expect = decodable
          ? undefined
          : ['gzip', 'deflate', 'br', 'identity'].includes(encoding)
            ? [400]
            : [415];
        await fuzzer.send(
          { ...request, body, headers: { ...request.headers, 'content-encoding': encoding } },
          { valid: false, ...(expect ? { expect } : {}) },
        );
      },
    ),
  );

/** The body attacks with their weights (out of about 100 for all attacks). */
export const bodyAttacks = [
  { weight: 20, arbitrary: badBody },
  { weight: 5, arbitrary: malformedJson },
  { weight: 2, arbitrary: notUtf8 },
  { weight: 4, arbitrary: deepNesting },
  { weight: 3, arbitrary: oversize },
  { weight: 5, arbitrary: contentTypes },
  { weight: 3, arbitrary: contentEncodings },
];
