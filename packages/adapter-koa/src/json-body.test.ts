import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonBodyOf, rawSocket, statusOf } from './raw-socket.test-support';
import { errorBodySchema } from './response-schemas';
import { startTestApi, type TestApi } from './test-api.test-support';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});

afterAll(async () => {
  await api?.close();
});

describe('a Content-Length over the body limit', () => {
  // The body parser read these as 32-bit integers: 2^31 became negative (no limit, so it waited
  // for 2 GiB that never came) and 2^32 + 10 became 10. Each got no answer at all.
  it.each(['65537', '2147483648', '4294967306', '9007199254740993', '18446744073709551615'])(
    'Content-Length: %s with a short body is refused with 413 at once, before the body is read',
    async (length) => {
      const socket = await rawSocket(api.url);
      try {
        socket.write(
          [
            'POST /api/v1/auth/login HTTP/1.1',
            'Host: test',
            'Content-Type: application/json',
            `Content-Length: ${length}`,
            '',
            '{"email":"a@example.com","password":"x"}',
          ].join('\r\n'),
        );
        const received = await socket.until((text) => jsonBodyOf(text) !== undefined);
        expect(statusOf(received)).toBe(413);
        const body = errorBodySchema.parse(jsonBodyOf(received));
        expect(body.error.code).toBe('payload_too_large');
        expect(received).toMatch(new RegExp(`\r\nx-request-id: ${body.error.requestId}\r\n`, 'i'));
      } finally {
        socket.destroy();
      }
    },
  );
});
