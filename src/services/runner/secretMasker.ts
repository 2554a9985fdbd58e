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

type Replacement = string | ((match: string, ...groups: (string | undefined)[]) => string);

/**
 * A conninfo `keyword=value` pair whose keyword names a password
 * (password, sslpassword, PGPASSWORD=...). libpq allows spaces around "=",
 * and a value either bare (up to the next space, `\` escaping the next
 * character) or single-quoted (`\'` and `\\` inside). pgcockpit meets that
 * value inside more layers of quoting: an SQL literal (`alter system set
 * primary_conninfo = '... password=''it\''s'' ...'`), postgresql.auto.conf
 * (the same, backslashes doubled), a shell-quoted argument (`'\''`). So the
 * mask errs on the side of hiding: a bare value runs up to the next space
 * (the outer layer's closing quotes stay); a quoted one runs up to the next
 * `keyword=` or the end of the line, and of the quotes that close it only
 * those the outer layers opened are put back.
 */
const CONNINFO_PASSWORD =
  /(?<![\w?&])(\w*(?:password|passwd|secret)\s*=\s*)(?:(['"\\][^\n]*?)(['"\\]*)(?=(\s+[\w.-]+\s*=)|[;,)]*\s*(?:\n|$))|(?:\\.|\S)*?(?=(?:['"]|\\(?=['"\\]))*(?:\s|$)))/gi;

function maskConninfoPassword(_match: string, keyword = '', quoted?: string, closing = '', nextKeyword?: string): string {
  if (quoted === undefined) return `${keyword}${MASK}`;
  if (nextKeyword !== undefined) return `${keyword}${MASK}`;
  // At the end of the text: quotes beyond the value's own opening ones close an outer layer (the SQL literal).
  const opening = /^['"\\]*/.exec(quoted)?.[0].length ?? 0;
  return `${keyword}${MASK}${closing.slice(Math.min(opening, closing.length))}`;
}

const SPELLED_OUT: readonly [RegExp, Replacement][] = [
  // postgresql://user:secret@host
  [/(\bpostgres(?:ql)?:\/\/[^\s:@/?#]*:)[^\s@/?#]*(?=@)/gi, `$1${MASK}`],
  // ?password=secret&sslmode=require: in a URI an unescaped "&" ends the value
  [/([?&]\w*(?:password|passwd|secret)=)[^&\s#'"]*/gi, `$1${MASK}`],
  [CONNINFO_PASSWORD, maskConninfoPassword],
  // CREATE ROLE r PASSWORD 'secret' (a doubled '' is a quote inside the literal)
  [/(\bpassword\s+)'(?:[^']|'')*'?/gi, `$1'${MASK}'`],
];

/** Every SPELLED_OUT pattern needs one of these words (a URI's "postgres://" or a password-like keyword). */
const MAY_SPELL_OUT = /postgres|passw|secret/i;

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
    // Most output names no password at all: one cheap test spares it the four patterns (a pg_dump --verbose of 100 000 lines).
    if (!MAY_SPELL_OUT.test(masked)) return masked;
    for (const [pattern, replacement] of SPELLED_OUT) masked = masked.replace(pattern, replacement as (match: string, ...groups: string[]) => string);
    return masked;
  };
  return {
    mask,
    reveals: (text) => mask(text) !== text,
    knownCount: sorted.length,
  };
}

let spelledOutOnly = createSecretMasker();
const remembered = new Set<string>();

/**
 * Passwords pgcockpit has read (a standby's primary_conninfo): from now on
 * maskSecrets hides them wherever they appear, whatever quoting surrounds
 * them, also where the spelled-out patterns cannot tell where a quoted value
 * with spaces ends (`password='p w=q'`). Pass each form the text may carry.
 */
export function rememberSecrets(values: Iterable<string>): void {
  const before = remembered.size;
  for (const value of values) if (value.length >= 3) remembered.add(value);
  if (remembered.size !== before) spelledOutOnly = createSecretMasker({ secrets: [...remembered] });
}

/**
 * The one mask for what pgcockpit prints or records (plans, step logs, the
 * audit journal, status --json): passwords spelled out in the text
 * (`password=...` in a conninfo, quoted or not, URIs, SQL PASSWORD '...')
 * become `********`. Applied when text is shown or written, never to the
 * statements a step runs: those keep the real password.
 */
export function maskSecrets(text: string): string {
  return spelledOutOnly.mask(text);
}

/** Every string in a JSON-like value, masked (objects and arrays copied; other values as they are). */
export function maskSecretsDeep<T>(value: T, masker: Pick<SecretMasker, 'mask'> = { mask: maskSecrets }): T {
  if (typeof value === 'string') return masker.mask(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => maskSecretsDeep(item, masker)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskSecretsDeep(item, masker)])) as T;
  }
  return value;
}
