import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from './config';

/**
 * The JWT secret: `JWT_SECRET` (at least 32 bytes), or, outside production, one generated
 * once into `DATA_DIR/jwt-secret` (readable by the owner only) so tokens survive restarts.
 * In production a missing or short secret refuses the start.
 */
export async function jwtSecret(
  given: string | undefined,
  dataDir: string,
  production: boolean,
): Promise<{ secret: string; source: string }> {
  if (given !== undefined) {
    if (Buffer.byteLength(given, 'utf8') < 32)
      throw new ConfigError('JWT_SECRET must be at least 32 bytes');
    return { secret: given, source: 'JWT_SECRET' };
  }
  if (production)
    throw new ConfigError('JWT_SECRET is required when NODE_ENV=production (at least 32 bytes)');
  const file = join(dataDir, 'jwt-secret');
  try {
    const stored = (await readFile(file, 'utf8')).trim();
    if (Buffer.byteLength(stored, 'utf8') >= 32) return { secret: stored, source: file };
  } catch {
    // Not generated yet.
  }
  const secret = randomBytes(48).toString('base64url');
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return { secret, source: `${file} (generated)` };
}
