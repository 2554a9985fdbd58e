import path from 'node:path';
import type { CockpitConfig } from './schema.js';

/** `~` or `~/…` made absolute; anything else (including `~otheruser/…`) unchanged. */
export function expandHome(file: string, home: string): string {
  if (file === '~') return home;
  if (file.startsWith('~/')) return path.join(home, file.slice(2));
  return file;
}

/**
 * A copy of the config with `~/` expanded in the paths that live on this
 * machine. YAML has no shell to do it, and libpq, pg_ctl and ssh would take
 * `~` as a directory literally named "~". The data directory, binaries and
 * archive of a node reached over ssh are left as written: there `~` is the
 * remote user's home, which only the remote side knows.
 */
export function expandConfigPaths(config: CockpitConfig, home: string): CockpitConfig {
  const copy = structuredClone(config);
  if (copy.passfile !== undefined) copy.passfile = expandHome(copy.passfile, home);
  for (const node of copy.nodes) {
    if (node.passfile !== undefined) node.passfile = expandHome(node.passfile, home);
    if (node.sslrootcert !== undefined) node.sslrootcert = expandHome(node.sslrootcert, home);
    if (node.ssh?.identityFile !== undefined) node.ssh.identityFile = expandHome(node.ssh.identityFile, home);
    if (node.ssh === undefined) {
      if (node.dataDir !== undefined) node.dataDir = expandHome(node.dataDir, home);
      if (node.pgBinDir !== undefined) node.pgBinDir = expandHome(node.pgBinDir, home);
      if (node.serverLog !== undefined) node.serverLog = expandHome(node.serverLog, home);
    }
  }
  const archiveNode = copy.nodes.find((node) => node.name === copy.archive?.host);
  if (copy.archive !== undefined && archiveNode?.ssh === undefined) copy.archive.dir = expandHome(copy.archive.dir, home);
  if (copy.backups !== undefined) copy.backups.dir = expandHome(copy.backups.dir, home);
  return copy;
}
