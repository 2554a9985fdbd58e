import type { z } from 'zod';
import type { PgServiceLookup } from '../postgres/pgServiceFile.js';
import { serviceNotFoundMessage } from '../postgres/pgServiceFile.js';
import { SSL_MODES } from '../postgres/sslOptions.js';

/** Node keys a libpq service can supply, and the service-file keyword each is read from. */
const FROM_SERVICE = [
  ['host', 'host'],
  ['port', 'port'],
  ['user', 'user'],
  ['database', 'dbname'],
  ['passfile', 'passfile'],
  ['sslmode', 'sslmode'],
  ['sslrootcert', 'sslrootcert'],
] as const;

/**
 * TLS keys of a service that pgcockpit's connections cannot honour (client
 * certificates, CRLs, ...). Ignoring them would connect differently from
 * psql, so they are refused out loud.
 */
const UNSUPPORTED_SSL = /^(ssl(?!mode$|rootcert$)\w*|requiressl|sslnegotiation)$/;

/** Where a node's value came from when the YAML did not write it. */
export interface ServiceOrigin {
  service: string;
  /** `file:line` of the service-file line. */
  where: string;
}

/** A problem with a node's pgService, reported at its `pgService:` value. */
export interface ServiceProblem {
  /** The key the problem is about: the `pgService` itself, or a key whose value came from the service. */
  path: (string | number)[];
  /** The `nodes[i].pgService` to point at. */
  at: (string | number)[];
  message: string;
}

export interface PgServiceMerge {
  problems: ServiceProblem[];
  /** `${nodeIndex}.${key}` → where the value of a key the YAML left out came from. */
  origins: Map<string, ServiceOrigin>;
  /** Nodes whose service could not be used: what it would have supplied is unknown. */
  unresolved: Set<number>;
  /** `${nodeIndex}.${key}` whose value in the service was refused (and reported). */
  refused: Set<string>;
}

/** The service names the nodes of a raw (not yet validated) config mention. */
export function pgServiceNames(data: unknown): string[] {
  return [...new Set(rawNodes(data).flatMap((node) => (typeof node['pgService'] === 'string' ? [node['pgService']] : [])))];
}

/**
 * Fills each node's host, port, user, database, passfile, sslmode and sslrootcert from its
 * pgService where the YAML does not write them: values in the YAML win, as
 * explicit parameters win over a service in libpq. Runs on the raw YAML data,
 * before validation, so the schema's defaults still apply to what neither
 * gives. Mutates `data`. An empty value in the service counts as not set.
 */
export function mergePgServices(data: unknown, services: ReadonlyMap<string, PgServiceLookup>): PgServiceMerge {
  const merge: PgServiceMerge = { problems: [], origins: new Map(), unresolved: new Set(), refused: new Set() };
  rawNodes(data).forEach((node, index) => {
    const name = node['pgService'];
    if (typeof name !== 'string' || name === '') return; // the schema reports it
    const path = ['nodes', index, 'pgService'];
    const lookup = services.get(name) ?? { status: 'not-found', name, searched: [] };
    if (lookup.status !== 'found') {
      merge.unresolved.add(index);
      const message = lookup.status === 'invalid' ? lookup.message : serviceNotFoundMessage(name, lookup.searched);
      merge.problems.push({ path, at: path, message });
      return;
    }
    const { params, lines } = lookup.section;
    for (const keyword of Object.keys(params).filter((key) => UNSUPPORTED_SSL.test(key))) {
      const where = `${lookup.file}:${lines[keyword] ?? lookup.section.line}`;
      merge.problems.push({
        path,
        at: path,
        message: `${keyword}=${params[keyword]} of service "${name}" (${where}) is not supported by pgcockpit (of the TLS settings only sslmode and sslrootcert are); remove it or connect without the service`,
      });
    }
    for (const [key, keyword] of FROM_SERVICE) {
      const value = params[keyword];
      if (key in node || value === undefined || value === '') continue;
      const where = `${lookup.file}:${lines[keyword] ?? lookup.section.line}`;
      const problem = serviceValueProblem(key, value);
      if (problem !== undefined) {
        merge.problems.push({ path, at: path, message: `${keyword}=${value} of service "${name}" (${where}) ${problem}` });
        merge.refused.add(`${index}.${key}`);
        continue;
      }
      node[key] = key === 'port' ? Number(value) : value;
      merge.origins.set(`${index}.${key}`, { service: name, where });
    }
  });
  return merge;
}

/** Why a service value cannot stand in for the node key, if it cannot. */
function serviceValueProblem(key: string, value: string): string | undefined {
  if (key === 'port') {
    if (!/^\d+$/.test(value)) return 'is not a port number';
    const port = Number(value);
    if (port < 1 || port > 65535) return 'is not a port number: must be between 1 and 65535';
  }
  if (key === 'sslmode' && !(SSL_MODES as readonly string[]).includes(value)) return `is not an sslmode: must be one of ${SSL_MODES.join(', ')}`;
  // libpq allows a list of hosts to try in turn; a pgcockpit node is one server.
  if (key === 'host' && value.includes(',')) return 'lists several hosts: a node is one server; write its host in the YAML';
  return undefined;
}

/**
 * Schema issues adjusted for pgService: a missing host says where it could
 * come from, and is dropped for a node whose service could not be read (it
 * may well set host); an issue about a value the service offered but was
 * refused (already reported) is dropped; one about a value the service
 * supplied is returned apart, to be reported at the node's `pgService:` with
 * the value's origin.
 */
export function adjustIssuesForPgService(
  issues: readonly z.core.$ZodIssue[],
  data: unknown,
  merge: PgServiceMerge,
  services: ReadonlyMap<string, PgServiceLookup>,
): { issues: z.core.$ZodIssue[]; atService: ServiceProblem[] } {
  const nodes = rawNodes(data);
  const kept: z.core.$ZodIssue[] = [];
  const atService: ServiceProblem[] = [];
  for (const issue of issues) {
    const [top, index, key] = issue.path;
    const isNodeKey = issue.path.length === 3 && top === 'nodes' && typeof index === 'number' && typeof key === 'string';
    if (!isNodeKey) {
      kept.push(issue);
      continue;
    }
    const node = nodes[index];
    const service = node?.['pgService'];
    const origin = merge.origins.get(`${index}.${key}`);
    if (merge.refused.has(`${index}.${key}`)) {
      // The service's value was refused, and that is the problem to fix.
    } else if (origin !== undefined) {
      const message = `${issue.message} (${key} comes from service "${origin.service}", ${origin.where})`;
      atService.push({ path: [top, index, key], at: ['nodes', index, 'pgService'], message });
    } else if (key === 'host' && issue.code === 'invalid_type' && node !== undefined && !('host' in node)) {
      if (merge.unresolved.has(index)) continue;
      const lookup = typeof service === 'string' ? services.get(service) : undefined;
      const message =
        lookup?.status === 'found'
          ? `is required: neither this node nor service "${service}" (${lookup.file}) sets host`
          : 'is required, unless a pg_service.conf service named by pgService sets it';
      kept.push({ ...issue, message });
    } else {
      kept.push(issue);
    }
  }
  return { issues: kept, atService };
}

/** The nodes of raw config data that are mappings (others are the schema's to report). */
function rawNodes(data: unknown): Record<string, unknown>[] {
  if (data === null || typeof data !== 'object') return [];
  const nodes = (data as Record<string, unknown>)['nodes'];
  if (!Array.isArray(nodes)) return [];
  return nodes.map((node: unknown) => (node !== null && typeof node === 'object' && !Array.isArray(node) ? (node as Record<string, unknown>) : {}));
}
