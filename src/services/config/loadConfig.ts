import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Document } from 'yaml';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type { PgServiceLookup, PgServiceLookupOptions } from '../postgres/pgServiceFile.js';
import { findPgServices } from '../postgres/pgServiceFile.js';
import { ConfigError } from './ConfigError.js';
import type { ConfigProblem } from './ConfigError.js';
import { configKeyPath } from './configKeyPath.js';
import { controlCharacterProblems } from './controlCharacterProblems.js';
import { describeYamlValue } from './describeYamlValue.js';
import { expandConfigPaths } from './expandHome.js';
import { friendlyIssueMessage } from './friendlyIssueMessage.js';
import { locateInYaml } from './locateInYaml.js';
import type { ServiceProblem } from './pgServiceMerge.js';
import { adjustIssuesForPgService, mergePgServices, pgServiceNames } from './pgServiceMerge.js';
import { schemaIssueProblems } from './schemaIssueProblems.js';
import type { CockpitConfig } from './schema.js';
import { configSchema } from './schema.js';
import { yamlProblems } from './yamlProblems.js';

export interface ParseConfigOptions {
  /** What a leading `~/` stands for; the current user's home when absent. */
  home?: string;
  /**
   * The pg_service.conf services the nodes name (`pgService:`), already looked
   * up (see findPgServices). A name missing here is reported as not found.
   */
  services?: ReadonlyMap<string, PgServiceLookup>;
}

/**
 * `env` (PGSERVICEFILE, PGSYSCONFDIR) and `home` (~/.pg_service.conf, `~/`
 * in paths) default to the process's; `systemDirs` to libpq's built-in places.
 */
export type LoadConfigOptions = PgServiceLookupOptions;

/**
 * Reads, validates and completes (pgService, defaults, `~/`) a pgcockpit.yaml;
 * throws ConfigError listing every problem.
 */
export async function loadConfig(file: string, options: LoadConfigOptions = {}): Promise<CockpitConfig> {
  const shown = displayName(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError([wholeFileProblem(shown, readFailure(error))]);
  }
  const services = await findPgServices(pgServiceNamesIn(text), options);
  return parseConfig(text, shown, { home: options.home, services });
}

/** The pgService names a config text mentions; none when it does not even parse (parseConfig says why). */
function pgServiceNamesIn(text: string): string[] {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) return [];
  try {
    return pgServiceNames(doc.toJS());
  } catch {
    return [];
  }
}

/**
 * The config a YAML text describes. `fileName` is only used in messages.
 * Pure apart from defaulting `home` to the current user's.
 */
export function parseConfig(text: string, fileName: string, options: ParseConfigOptions = {}): CockpitConfig {
  const lineCounter = new LineCounter();
  // uniqueKeys: a second `port:` silently winning over the first is how a standby ends up on the wrong port.
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw new ConfigError(yamlProblems(doc.errors, text, fileName, lineCounter));

  const root = doc.contents;
  const at = (offset: number) => lineCounter.linePos(offset);
  if (root === null) {
    throw new ConfigError([
      { file: fileName, line: 1, column: 1, key: '(top)', message: 'the file is empty: it must name the cluster and list its nodes (see README "Config file")' },
    ]);
  }
  if (!isMap(root)) {
    const { line, col } = at(root.range?.[0] ?? 0);
    // Not root.toJS(): a lone alias at the top would throw before we could explain.
    const found = isSeq(root) ? 'a list' : isScalar(root) ? describeYamlValue(root.value) : 'an alias';
    throw new ConfigError([
      { file: fileName, line, column: col, key: '(top)', message: `must be a mapping of settings (cluster:, nodes:, ...), got ${found}` },
    ]);
  }

  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // An alias to an anchor that is not defined (or defined later) only surfaces here.
    const { line, col } = at(unresolvedAliasOffset(doc));
    throw new ConfigError([{ file: fileName, line, column: col, key: '(yaml)', message: errorMessage(error) }]);
  }

  // Before the services are merged in: those are libpq's to judge; this file's strings are ours.
  const controls = controlCharacterProblems(data).map(({ path: at, message }) => serviceProblem({ path: at, at, message }, fileName, doc, lineCounter));
  // Before validation, so that the schema's defaults apply to whatever neither the YAML nor the service gives.
  const services = options.services ?? new Map<string, PgServiceLookup>();
  const merge = mergePgServices(data, services);
  const result = configSchema.safeParse(data, { error: friendlyIssueMessage });
  const { issues, atService } = adjustIssuesForPgService(result.success ? [] : result.error.issues, data, merge, services);
  const problems = [
    ...controls,
    ...[...merge.problems, ...atService].map((problem) => serviceProblem(problem, fileName, doc, lineCounter)),
    // A name that fails its pattern only because of the control character: one problem is enough.
    ...schemaIssueProblems(issues, { file: fileName, doc, lineCounter, data, schema: configSchema }).filter(
      (problem) => !controls.some((control) => control.key === problem.key),
    ),
  ];
  if (problems.length > 0) throw new ConfigError(problems.sort((a, b) => a.line - b.line || a.column - b.column));
  // Unreachable: an issue is only dropped for a node whose service problem is reported.
  if (!result.success) throw new ConfigError(schemaIssueProblems(result.error.issues, { file: fileName, doc, lineCounter, data, schema: configSchema }));
  return expandConfigPaths(result.data, options.home ?? os.homedir());
}

function serviceProblem(problem: ServiceProblem, file: string, doc: Document, lineCounter: LineCounter): ConfigProblem {
  const { line, col } = lineCounter.linePos(locateInYaml(doc, problem.at));
  return { file, line, column: col, key: configKeyPath(problem.path), message: problem.message };
}

function unresolvedAliasOffset(doc: Document): number {
  let offset = 0;
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) !== undefined) return undefined;
      offset = alias.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}

function wholeFileProblem(file: string, message: string): ConfigProblem {
  return { file, line: 0, column: 0, key: '', message };
}

function readFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file; create it (see README "Config file") or pass --config';
  if (code === 'EACCES') return 'cannot read it: permission denied';
  if (code === 'EISDIR') return 'is a directory, not a config file';
  return `cannot read it: ${errorMessage(error)}`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Short in messages when the file is under the working directory, as the DBA typed it otherwise. */
function displayName(file: string): string {
  if (!path.isAbsolute(file)) return file;
  const relative = path.relative(process.cwd(), file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
