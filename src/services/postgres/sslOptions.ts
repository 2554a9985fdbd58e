import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConnectionOptions } from 'node:tls';

/** libpq's sslmode values (https://www.postgresql.org/docs/current/libpq-ssl.html). */
export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

export interface NodeSsl {
  sslmode?: SslMode | undefined;
  /** A CA file, or libpq's `system` (PostgreSQL 16+): the system's trusted roots. */
  sslrootcert?: string | undefined;
}

/**
 * node-postgres' `ssl` option for a node's sslmode, as libpq means it:
 * `require` encrypts without checking the certificate; `verify-ca` checks it
 * against sslrootcert (default ~/.postgresql/root.crt); `verify-full` also
 * checks that it names the host. `disable` is plaintext. node-postgres cannot
 * fall back from TLS to plaintext, so `allow` and `prefer` connect in
 * plaintext, which is what libpq does with them against a server without SSL.
 * Undefined (the node names no sslmode): node-postgres' own default, which
 * reads $PGSSLMODE as libpq does.
 */
export function sslOptions(ssl: NodeSsl, home = os.homedir()): boolean | ConnectionOptions | undefined {
  switch (ssl.sslmode) {
    case undefined:
      return undefined;
    case 'disable':
    case 'allow':
    case 'prefer':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      // The chain is checked against the CA; the host name is not (that is verify-full).
      return { ...rootCertificates(ssl.sslrootcert, home), rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { ...rootCertificates(ssl.sslrootcert, home), rejectUnauthorized: true };
  }
}

function rootCertificates(sslrootcert: string | undefined, home: string): { ca?: string } {
  if (sslrootcert === 'system') return {};
  const file = sslrootcert ?? path.join(home, '.postgresql', 'root.crt');
  try {
    return { ca: readFileSync(file, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      `sslrootcert ${file} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`}: ` +
        'certificate verification needs the CA that signed the server\'s certificate (libpq says the same)',
    );
  }
}
