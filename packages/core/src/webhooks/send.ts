import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from './address-guard';

/** A POST to make: the vetted address it must connect to, its headers and body. */
export interface Delivery {
  url: URL;
  address: ResolvedAddress;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/**
 * POSTs a delivery and resolves with the response's status, or rejects (timeout, refused,
 * reset). It connects to `address` whatever DNS says now (TLS still checks the certificate
 * against the URL's host name), follows no redirect and reads no more of the response than
 * its status line and headers.
 */
export function send(delivery: Delivery): Promise<number> {
  const { url, address, headers, body, timeoutMs } = delivery;
  const pinned: LookupFunction = (_hostname, options, callback) => {
    // Node asks for every address when it tries families in turn (autoSelectFamily).
    if (options.all) callback(null, [address]);
    else callback(null, address.address, address.family);
  };
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
