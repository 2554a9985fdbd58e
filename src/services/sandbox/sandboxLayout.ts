import path from 'node:path';

/** Where everything of one sandbox lives, below one directory. */
export interface SandboxLayout {
  root: string;
  /** Marks a directory as a sandbox, so `demo down` never removes anything else. */
  marker: string;
  configFile: string;
  passfile: string;
  archiveDir: string;
  backupsDir: string;
  nodeDir(name: string): string;
  dataDir(name: string): string;
  logFile(name: string): string;
}

export function sandboxLayout(root: string): SandboxLayout {
  const resolved = path.resolve(root);
  return {
    root: resolved,
    marker: path.join(resolved, '.pgcockpit-sandbox'),
    configFile: path.join(resolved, 'pgcockpit.yaml'),
    passfile: path.join(resolved, '.pgpass'),
    archiveDir: path.join(resolved, 'archive'),
    backupsDir: path.join(resolved, 'backups'),
    nodeDir: (name) => path.join(resolved, 'nodes', name),
    dataDir: (name) => path.join(resolved, 'nodes', name, 'data'),
    logFile: (name) => path.join(resolved, 'nodes', name, 'server.log'),
  };
}

/** Sandbox nodes are pg1 (the first primary), pg2, pg3, ... */
export function sandboxNodeNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `pg${i + 1}`);
}
