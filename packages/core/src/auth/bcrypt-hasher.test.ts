import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { bcryptHasher } from '../index';

describe('bcryptHasher', () => {
  it('leaves the event loop idle while it hashes and compares (the work runs in the thread pool)', async () => {
    // Event-loop utilisation is the share of time the loop was busy rather than waiting: with
    // a hash on the main thread (bcryptjs) it is close to 1 for the whole hash, whatever the
    // machine's speed or load; with the native binding the loop just waits for the result.
    const before = performance.eventLoopUtilization();
    const hash = await bcryptHasher.hash('correct horse battery staple', 12);
    expect(await bcryptHasher.compare('correct horse battery staple', hash)).toBe(true);
    const busy = performance.eventLoopUtilization(before).utilization;
    expect(busy).toBeLessThan(0.5);
  });

  it('reads and writes the standard format, including hashes other libraries made', async () => {
    // Made by bcryptjs 3 ($2b$) and by OpenBSD-style implementations ($2a$), cost 10.
    const made = await bcryptHasher.hash('pässword 🔑', 10);
    expect(made).toMatch(/^\$2b\$10\$[./A-Za-z0-9]{53}$/);
    expect(bcryptHasher.rounds(made)).toBe(10);
    for (const [password, hash] of [
      ['U*U', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW'],
      ['', '$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.'],
    ] as const) {
      expect(await bcryptHasher.compare(password, hash), hash).toBe(true);
      expect(await bcryptHasher.compare(`${password}x`, hash)).toBe(false);
    }
  });
});
