import type { CockpitConfig, NodeConfig } from '../config/schema.js';
import { durableArchiveCommand } from '../postgres/archiveCommand.js';
import { sqlLiteral } from '../runbooks/failover/repointStandby.js';
import type { Plan, PlanStep, PreflightCheck } from '../runbooks/plan.js';
import { failedChecks } from '../runbooks/plan.js';
import type { ArchiveFacts } from './archiveCheck.js';

/**
 * `pgcockpit archive setup`: the archive directory (created as the server's
 * OS user, 0750), a durable archive_command (durableArchiveCommand) written
 * with ALTER SYSTEM, archive_mode on and wal_level replica when they are not,
 * and a reload. An archive_command already set (a backup tool's) is not
 * overwritten unless `replace`. archive_mode and wal_level take effect only
 * at a restart, which it does not do: it says so.
 */
export function planArchiveSetup(config: CockpitConfig, primary: NodeConfig, facts: ArchiveFacts, options: { replace?: boolean; runnerNode: string }): Plan {
  const checks: PreflightCheck[] = [];
  const steps: PlanStep[] = [];
  const dir = config.archive?.dir;
  const command = dir ? durableArchiveCommand(dir) : '';
  if (!dir) checks.push({ label: 'archive directory', status: 'fail', observed: 'the config names none', fix: 'set archive.dir in the config' });
  else if (!facts.dir) {
    checks.push({ label: `archive directory ${dir}`, status: 'ok', observed: `missing: created as ${primary.osUser}, mode 0750` });
    steps.push({
      node: options.runnerNode,
      description: `create the archive directory ${dir} as ${primary.osUser}`,
      detail: `mkdir -p -m 0750 ${dir}`,
      mutating: true,
      async run(ctx) {
        await ctx.command(options.runnerNode, { program: 'mkdir', args: ['-p', '-m', '0750', dir], mutating: true, timeoutMs: 30_000 });
        return `${dir} created`;
      },
    });
  } else if (facts.dir.owner !== primary.osUser) {
    checks.push({ label: `archive directory ${dir}`, status: 'fail', observed: `owner ${facts.dir.owner}`, fix: `chown ${primary.osUser} ${dir} as root on its host: the server writes it as ${primary.osUser}` });
  } else {
    checks.push({ label: `archive directory ${dir}`, status: 'ok', observed: `owner ${facts.dir.owner}, mode ${facts.dir.mode}${['700', '750'].includes(facts.dir.mode) ? '' : ': set to 0750'}` });
    if (!['700', '750'].includes(facts.dir.mode)) {
      steps.push({ node: options.runnerNode, description: `make ${dir} 0750`, detail: `chmod 0750 ${dir}`, mutating: true, run: async (ctx) => void (await ctx.command(options.runnerNode, { program: 'chmod', args: ['0750', dir], mutating: true, timeoutMs: 30_000 })) });
    }
  }
  // An archive_library (15+) archives instead of any command: set beside it, a command stops the archiver on 16+ ("both set" is an error) and is ignored on 15.
  const library = facts.settings.archive_library ?? '';
  const commandSet = (facts.settings.archive_command ?? '') !== '' && facts.settings.archive_command !== '(disabled)';
  const current = library !== '' ? `archive_library = ${library}` : (facts.settings.archive_command ?? '');
  const set = library !== '' || commandSet;
  if (set && current !== command && !options.replace) {
    checks.push({ label: 'archive_command', status: 'fail', observed: `set already: ${current}`, fix: `--replace writes pgcockpit's durable command over it${library !== '' ? ' and resets archive_library' : ''} (a backup tool's ${library !== '' ? 'library' : 'command'} would then stop archiving for that tool)` });
  } else {
    checks.push({ label: 'archive_command', status: 'ok', observed: set && current === command ? 'already the durable command' : `${set ? `${current} is replaced by` : 'set to'} the durable command (cp to a temporary name, sync, rename, sync the directory; an identical segment archived again succeeds, a different one is refused)` });
  }
  const restart: string[] = [];
  const statements: string[] = [];
  if (dir && library !== '') statements.push('alter system reset archive_library');
  if (dir && current !== command) statements.push(`alter system set archive_command = ${sqlLiteral(command)}`);
  if (!['on', 'always'].includes(facts.settings.archive_mode ?? '')) {
    statements.push("alter system set archive_mode = 'on'");
    restart.push('archive_mode');
  }
  if ((facts.settings.wal_level ?? '') === 'minimal') {
    statements.push("alter system set wal_level = 'replica'");
    restart.push('wal_level');
  }
  if (restart.length > 0) checks.push({ label: 'a restart', status: 'warn', observed: `${restart.join(' and ')} take effect only when ${primary.name} restarts`, fix: `restart ${primary.name} in a quiet moment, then: pgcockpit archive check` });
  if (statements.length > 0) {
    steps.push({
      node: primary.name,
      description: `write the archive settings on ${primary.name} and reload`,
      detail: [...statements, 'select pg_reload_conf()'].join('\n'),
      mutating: true,
      async run(ctx) {
        for (const statement of statements) await ctx.sql(primary.name, statement, { mutating: true });
        await ctx.sql(primary.name, 'select pg_reload_conf()', { mutating: true });
        return restart.length > 0 ? `written; ${restart.join(' and ')} wait for a restart of ${primary.name}` : 'written and reloaded';
      },
    });
  }
  const blockedReasons = failedChecks(checks);
  return {
    title: `archive setup on ${primary.name}`,
    target: primary.name,
    checks,
    steps: blockedReasons.length > 0 ? [] : steps,
    blocked: blockedReasons.length > 0,
    blockedReasons,
    confirmWord: primary.name,
    warnings: steps.length === 0 ? ['nothing to change: the archive is set up'] : [],
  };
}
