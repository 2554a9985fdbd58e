import type { NodeSnapshot } from '../../cluster/nodeSnapshot.js';
import type { NodeConfig } from '../../config/schema.js';
import type { PreflightCheck } from '../plan.js';

/**
 * allow_alter_system = off (PostgreSQL 17+; the configuration is managed by
 * a tool of the DBA's) refuses ALTER SYSTEM, so a standby cannot be
 * re-pointed by it. The plan says so and appends primary_conninfo and
 * primary_slot_name to the node's postgresql.auto.conf through its host
 * instead: that file is read last (the settings win over postgresql.conf), and
 * it is where pg_basebackup -R wrote them. Writing into the data directory
 * needs it configured (and proven the node's, like every service action).
 * Undefined when ALTER SYSTEM is allowed.
 */
export function alterSystemCheck(node: NodeConfig, snapshot: NodeSnapshot | undefined): { check: PreflightCheck; byFile: boolean } | undefined {
  if (snapshot?.server?.settings['allow_alter_system'] !== 'off') return undefined;
  const label = `${node.name} can be re-pointed`;
  if (!node.dataDir) {
    return {
      byFile: false,
      check: {
        label,
        status: 'fail',
        observed: `allow_alter_system = off on ${node.name} refuses ALTER SYSTEM, and the config names no dataDir for it to write postgresql.auto.conf instead`,
        fix: `add dataDir (and ssh, when it is remote) to ${node.name} in the config, or set allow_alter_system = on in its postgresql.conf and reload`,
      },
    };
  }
  return {
    byFile: true,
    check: {
      label,
      status: 'warn',
      observed: `allow_alter_system = off on ${node.name}: primary_conninfo and primary_slot_name are appended to ${node.dataDir}/postgresql.auto.conf through its host instead of ALTER SYSTEM`,
      fix: 'the tool that manages its configuration should learn the new upstream too',
    },
  };
}
