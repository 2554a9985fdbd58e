import { stringify } from 'yaml';
import type { CockpitConfigInput } from '../config/schema.js';
import type { SandboxLayout } from './sandboxLayout.js';

export interface SandboxNodePlacement {
  name: string;
  port: number;
}

export interface SandboxConfigInput {
  layout: SandboxLayout;
  nodes: readonly SandboxNodePlacement[];
  osUser: string;
  pgBinDir: string;
  replicationUser: string;
  slotNamePattern: string;
}

export const SANDBOX_DATABASE = 'demo';
export const SANDBOX_SUPERUSER = 'postgres';

/** The pgcockpit.yaml that describes a sandbox, as a DBA would write it for a real cluster. */
export function sandboxConfig(input: SandboxConfigInput): CockpitConfigInput {
  return {
    cluster: 'demo',
    passfile: input.layout.passfile,
    nodes: input.nodes.map((node) => ({
      name: node.name,
      host: '127.0.0.1',
      port: node.port,
      user: SANDBOX_SUPERUSER,
      database: SANDBOX_DATABASE,
      dataDir: input.layout.dataDir(node.name),
      osUser: input.osUser,
      pgBinDir: input.pgBinDir,
    })),
    // The standbys read the replication password from the sandbox's passfile (it is the server account's).
    replication: { user: input.replicationUser, slotNamePattern: input.slotNamePattern, passfile: input.layout.passfile },
    archive: { dir: input.layout.archiveDir },
    backups: { dir: input.layout.backupsDir },
  };
}

export function sandboxConfigYaml(config: CockpitConfigInput, root: string): string {
  return (
    // JSON-quoted: a newline in the path must not end the comment.
    `# Written by \`pgcockpit demo\` for the sandbox in ${JSON.stringify(root)}.\n` +
    '# Passwords are in the passfile below (libpq .pgpass format), never here.\n' +
    stringify(config)
  );
}
