import type { Runner } from '../runner/runner.js';
import { runCollected } from '../runner/runChecked.js';

/** One line of `pg_restore --list`: "215; 1259 16386 TABLE public orders app". */
export interface TocEntry {
  /** The dump id, what a `-L` list names. */
  dumpId: number;
  /** "TABLE", "TABLE DATA", "INDEX", "FK CONSTRAINT", ... */
  type: string;
  /** "-" when the object has none (a schema, an extension). */
  schema: string;
  name: string;
  owner: string;
}

export interface DumpToc {
  entries: TocEntry[];
  /** The tables whose rows the dump holds ("schema.name", its TABLE DATA entries), as pg_restore --verbose names them. */
  tablesWithData: string[];
}

/**
 * The types pg_restore prints that are more than one word, longest first (so
 * "MATERIALIZED VIEW DATA" wins over "MATERIALIZED VIEW"): the rest of a line
 * is "schema name owner", the name holding any spaces.
 */
const MULTI_WORD_TYPES = [
  'MATERIALIZED VIEW DATA',
  'TEXT SEARCH CONFIGURATION',
  'TEXT SEARCH DICTIONARY',
  'TEXT SEARCH PARSER',
  'TEXT SEARCH TEMPLATE',
  'FOREIGN DATA WRAPPER',
  'SEQUENCE OWNED BY',
  'DATABASE PROPERTIES',
  'PROCEDURAL LANGUAGE',
  'MATERIALIZED VIEW',
  'PUBLICATION TABLE',
  'PUBLICATION TABLES IN SCHEMA',
  'CHECK CONSTRAINT',
  'STATISTICS DATA',
  'BLOB METADATA',
  'FK CONSTRAINT',
  'EVENT TRIGGER',
  'FOREIGN TABLE',
  'LARGE OBJECT',
  'SEQUENCE SET',
  'USER MAPPING',
  'ROW SECURITY',
  'DEFAULT ACL',
  'TABLE DATA',
  'ACCESS METHOD',
  'OPERATOR CLASS',
  'OPERATOR FAMILY',
];

const LINE = /^(\d+); \d+ \d+ (.+)$/;

/** The entries of `pg_restore --list` output; comment lines (";") are skipped. */
export function parseTocList(text: string): DumpToc {
  const entries: TocEntry[] = [];
  for (const line of text.split('\n')) {
    const match = LINE.exec(line.trimEnd());
    if (!match) continue;
    const rest = match[2]!;
    const type = MULTI_WORD_TYPES.find((candidate) => rest.startsWith(`${candidate} `)) ?? rest.split(' ')[0]!;
    const words = rest.slice(type.length + 1).split(' ');
    const schema = words.length >= 3 ? words[0]! : '-';
    const owner = words.length >= 2 ? words.at(-1)! : '';
    const name = words.slice(words.length >= 3 ? 1 : 0, words.length >= 2 ? -1 : undefined).join(' ');
    entries.push({ dumpId: Number(match[1]), type, schema, name, owner });
  }
  const tablesWithData = entries.filter((entry) => entry.type === 'TABLE DATA').map((entry) => `${entry.schema}.${entry.name}`);
  return { entries, tablesWithData };
}

/**
 * Reads a custom or directory dump's whole table of contents with
 * `pg_restore --list` (it parses every entry; a dump cut short in its TOC, or
 * not a dump at all, makes it fail). Throws with pg_restore's own words.
 */
export async function readDumpToc(runner: Runner, dump: string, pgRestore = 'pg_restore'): Promise<DumpToc> {
  const run = await runCollected(runner, { program: pgRestore, args: ['--list', dump], env: { LC_MESSAGES: 'C' }, mutating: false, timeoutMs: 120_000 });
  if (run.result.exitCode !== 0) {
    const words = (run.stderr || run.stdout).trim().split('\n').slice(-3).join(' ').replace(/^pg_restore: (error: )?/, '');
    throw new Error(`pg_restore --list cannot read its table of contents: ${words || `exit ${run.result.exitCode ?? run.result.signal}`}`);
  }
  return parseTocList(run.stdout);
}
