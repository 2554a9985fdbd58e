/**
 * Hides passwords from everything pgcockpit shows or records: the log pane,
 * job headers, error messages, the audit journal. It knows two kinds:
 *
 * - known secrets: passwords handed to it, and the values of environment
 *   variables whose names say they hold one (PGPASSWORD, *PASSWORD*,
 *   *PASSWD*, *SECRET*, *PASSPHRASE*), masked wherever they appear;
 * - passwords spelled out in text whose value it cannot know in advance:
 *   `password=...` in a libpq conninfo (`primary_conninfo = '... password=x'`),
 *   `postgresql://user:x@host`, `?password=x` in a URI, `PGPASSWORD=x`, and
 *   SQL's `PASSWORD 'x'` (CREATE/ALTER ROLE).
 */
export const MASK = '********';

export interface KnownSecrets {
  /** Passwords, verbatim. Empty or absent ones are ignored. */
  secrets?: readonly (string | undefined)[];
  /** An environment; the values of its password-like keys are secrets. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface SecretMasker {
  /** `text` with every secret replaced by MASK. */
  mask(text: string): string;
  /** True when `text` holds a secret (a known one, or a password spelled out). */
  reveals(text: string): boolean;
  /** How many known secrets it masks (for tests and diagnostics, never the values). */
  readonly knownCount: number;
}

const SECRET_ENV_KEY = /PASSWORD|PASSWD|SECRET|PASSPHRASE/i;

/** An environment variable whose value must never be shown. */
export function isSecretEnvKey(key: string): boolean {
  return SECRET_ENV_KEY.test(key);
}

const SPELLED_OUT: readonly [RegExp, string][] = [
  // postgresql://user:secret@host
  [/(\bpostgres(?:ql)?:\/\/[^\s:@/?#]*:)[^\s@/?#]*(?=@)/gi, `$1${MASK}`],
  // ?password=secret&sslmode=require: in a URI an unescaped "&" ends the value
  [/([?&]\w*(?:password|passwd|secret)=)[^&\s#'"]*/gi, `$1${MASK}`],
  // conninfo keyword/value (libpq allows spaces around "=" and single-quoted values), PGPASSWORD=x
  [/(?<![\w?&])(\w*(?:password|passwd|secret)\s*=\s*)(?:'(?:[^'\\]|\\.)*'?|(?:\\.|[^\s'\\])+)/gi, `$1${MASK}`],
  // CREATE ROLE r PASSWORD 'secret' (a doubled '' is a quote inside the literal)
  [/(\bpassword\s+)'(?:[^']|'')*'?/gi, `$1'${MASK}'`],
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function createSecretMasker(known: KnownSecrets = {}): SecretMasker {
  const values = new Set<string>();
  for (const secret of known.secrets ?? []) if (secret) values.add(secret);
  for (const [key, value] of Object.entries(known.env ?? {})) if (value && isSecretEnvKey(key)) values.add(value);
  // Longest first, so a secret that contains another is masked whole.
  const sorted = [...values].sort((a, b) => b.length - a.length);
  const knownPattern = sorted.length > 0 ? new RegExp(sorted.map(escapeRegExp).join('|'), 'g') : undefined;

  const mask = (text: string): string => {
    let masked = knownPattern ? text.replace(knownPattern, MASK) : text;
    for (const [pattern, replacement] of SPELLED_OUT) masked = masked.replace(pattern, replacement);
    return masked;
  };
  return {
    mask,
    reveals: (text) => mask(text) !== text,
    knownCount: sorted.length,
  };
}
