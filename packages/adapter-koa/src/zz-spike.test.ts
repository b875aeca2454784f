import { request } from 'node:http';
import { it } from 'vitest';
import { startTestApi } from './test-api.test-support';

function raw(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string | string[]>,
  body?: Buffer | string,
) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const u = new URL(url);
    const r = request({ host: u.hostname, port: u.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString() }),
      );
    });
    r.on('error', reject);
    if (body !== undefined) r.end(body);
    else r.end();
  });
}

it('spike', async () => {
  const api = await startTestApi();
  const u = await api.user();
  const auth = { authorization: `Bearer ${u.token}` };
  const cases: Array<[string, string, Record<string, string | string[]>, (Buffer | string)?]> = [
    ['GET', '/api/v1/sessions/%E0%A4%A', auth],
    ['GET', '/api/v1/sessions/%', auth],
    ['GET', '/api/v1/sessions/%ZZ/turns', auth],
    ['GET', '/api/v1/%ZZ', auth],
    ['GET', '/api/v1/sessions?limit=%ZZ', auth],
    ['GET', '/api/v1/sessions/..%2f..%2fetc%2fpasswd', auth],
    ['GET', '/api/v1/sessions/../../etc/passwd', auth],
    [
      'POST',
      '/api/v1/sessions',
      { ...auth, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      'not gzip at all',
    ],
    [
      'POST',
      '/api/v1/sessions',
      { ...auth, 'content-type': 'application/json', 'content-encoding': 'deflate' },
      'not deflate',
    ],
    [
      'POST',
      '/api/v1/sessions',
      { ...auth, 'content-type': 'application/json', 'content-encoding': 'br' },
      'not br',
    ],
    [
      'POST',
      '/api/v1/sessions',
      { ...auth, 'content-type': 'application/json', 'content-encoding': 'foo' },
      '{}',
    ],
    [
      'POST',
      '/api/v1/sessions',
      { ...auth, 'content-type': 'application/json; charset=utf-16' },
      '{}',
    ],
    [
      'POST',
      '/api/v1/sessions',
      { ...auth, 'content-type': 'application/json; charset=bogus' },
      '{}',
    ],
    [
      'POST',
      '/api/v1/sessions',
      { ...auth, 'content-type': 'application/json; charset=latin1' },
      '{"idea":"caf\xe9"}',
    ],
    [
      'POST',
      '/api/v1/sessions',
      { ...auth, 'content-type': 'application/json' },
      Buffer.from([
        0x7b, 0x22, 0x69, 0x64, 0x65, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d,
      ]),
    ],
    [
      'POST',
      '/api/v1/sessions',
      { ...auth, 'content-type': 'application/json' },
      '{"idea":"\\ud800"}',
    ],
    [
      'POST',
      '/api/v1/sessions',
      { ...auth, 'content-type': 'application/json' },
      '['.repeat(30000) + ']'.repeat(30000),
    ],
    [
      'POST',
      '/api/v1/sessions',
      { ...auth, 'content-type': 'application/json' },
      '{"idea":' + '['.repeat(30000) + ']'.repeat(30000) + '}',
    ],
    [
      'POST',
      '/api/v1/sessions',
      { ...auth, 'content-type': 'application/json' },
      '{"__proto__":{"polluted":1},"idea":"x"}',
    ],
    [
      'POST',
      '/api/v1/sessions',
      { ...auth, 'content-type': 'application/json' },
      '"just a string"',
    ],
    ['POST', '/api/v1/sessions', { ...auth, 'content-type': 'application/json' }, 'null'],
    ['POST', '/api/v1/sessions', { ...auth, 'content-type': 'application/json' }, '12'],
    [
      'POST',
      '/api/v1/sessions',
      { ...auth, 'content-type': ['application/json', 'text/plain'] },
      '{"idea":"x"}',
    ],
    ['POST', '/api/v1/sessions', { ...auth }, '{"idea":"x"}'],
    [
      'POST',
      '/api/v1/sessions',
      { ...auth, 'content-type': 'application/json', 'content-length': '0' },
    ],
    ['POST', '/api/v1/sessions', { ...auth, 'content-type': 'application/json' }],
    ['POST', '/api/v1/sessions', { ...auth, 'content-type': 'application/json' }, ''],
    [
      'POST',
      '/api/v1/sessions',
      { ...auth, 'content-type': 'application/merge-patch+json' },
      '{"idea":"x"}',
    ],
    [
      'POST',
      '/api/v1/sessions',
      { ...auth, 'content-type': 'application/json' },
      'x'.repeat(70000),
    ],
    ['POST', '/api/v1/sessions', { ...auth, 'content-type': 'text/plain' }, 'x'.repeat(70000)],
    ['GET', '/api/v1/sessions?limit=5&limit=500', auth],
    ['GET', '/api/v1/sessions?__proto__=5&constructor=1', auth],
    [
      'GET',
      '/api/v1/sessions/00000000-0000-4000-8000-000000000000/charter?format=md&format=x',
      auth,
    ],
    ['OPTIONS', '/api/v1/sessions', auth],
    ['HEAD', '/api/v1/sessions', auth],
    ['PUT', '/api/v1/sessions', auth],
    ['GET', '/api/v1/sessions', { authorization: ['Bearer a', 'Bearer b'] }],
    ['GET', '/api/v1/sessions', { ...auth, 'x-request-id': ['a', 'b'] }],
    ['GET', '/api/v1/sessions', { authorization: `Bearer ${u.token}, Bearer ${u.token}` }],
    ['GET', '/api/v1/sessions', { authorization: `bearer ${u.token}` }],
    ['GET', '/api/v1/sessions', { authorization: `Bearer  ${u.token}` }],
    ['GET', '/api/v1/sessions', { ...auth, accept: 'text/html;q=foo,*/*;q=bar' }],
    ['GET', '/api/v1/sessions', { ...auth, 'x-long': 'a'.repeat(12000) }],
  ];
  for (const [m, p, h, b] of cases) {
    const r = await raw(api.url, m, p, h, b);
    console.log(m, p.slice(0, 60), JSON.stringify(h).slice(0, 80), r.status, r.text.slice(0, 150));
  }
  console.log('polluted', ({} as any).polluted);
  await api.close();
}, 120000);
