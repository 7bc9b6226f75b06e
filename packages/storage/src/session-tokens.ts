import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A new session's token (256 random bits, base64url: 43 characters), its stored hash and its id. */
export function newSessionToken(): { token: string; hash: string; sessionId: string } {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, hash: tokenHash(token), sessionId: randomUUID() };
}

/** The SHA-256 hash (hex) a token is stored and looked up by; undefined for anything that is not a token. */
export function lookupHash(token: string | null | undefined): string | undefined {
  if (!token || !TOKEN_PATTERN.test(token)) return undefined;
  return tokenHash(token);
}

/** True when the stored hash is the token's, compared in constant time. */
export function hashMatches(stored: string, hash: string): boolean {
  const a = Buffer.from(stored, 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
