import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from './address-guard';

/** A POST to make: the vetted addresses it may connect to, its headers and body. */
export interface Delivery {
  url: URL;
  addresses: ResolvedAddress[];
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/**
 * A `lookup` that answers with the vetted addresses whatever the name: all of them when node
 * asks for all (autoSelectFamily, the default, then tries each in turn, so a dual-stack
 * receiver whose first address is unreachable is reached at the next), else the first.
 */
export function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all)
      callback(
        null,
        addresses.map(({ address, family }) => ({ address, family })),
      );
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
}

/**
 * POSTs a delivery and resolves with the response's status, or rejects (timeout, refused,
 * reset). It connects to `addresses` whatever DNS says now (TLS still checks the certificate
 * against the URL's host name), follows no redirect and reads no more of the response than
 * its status line and headers.
 */
export function send(delivery: Delivery): Promise<number> {
  const { url, addresses, headers, body, timeoutMs } = delivery;
  const pinned = pinnedLookup(addresses);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: pinned,
      // A fresh connection each time: a pooled socket could belong to an address vetted before.
      agent: false,
      signal: AbortSignal.timeout(timeoutMs),
    });
    outgoing.on('response', (response) => {
      resolve(response.statusCode ?? 0);
      // Only the status counts: the body is dropped, whatever its size.
      response.destroy();
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
