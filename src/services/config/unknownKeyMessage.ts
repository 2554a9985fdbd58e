import { closestKey } from './closestKey.js';

/**
 * Why a key is rejected, with the fix: the key it most likely meant, and the
 * full list so a DBA need not open the README to see what can go there.
 */
export function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  // libpq conventions apply; a password in a config file ends up in git.
  if (/^(pg)?pass(word)?$/i.test(key)) {
    return `unknown key ${JSON.stringify(key)}: passwords do not belong in this file; use a passfile (libpq .pgpass format) or PGPASSWORD`;
  }
  const guess = closestKey(key, allowed);
  const suggestion = guess === undefined ? '' : `, did you mean ${JSON.stringify(guess)}?`;
  const list = allowed.length === 0 ? '' : ` (allowed: ${allowed.join(', ')})`;
  return `unknown key ${JSON.stringify(key)}${suggestion}${list}`;
}
