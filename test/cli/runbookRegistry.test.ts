import { describe, expect, it } from 'vitest';
import { failoverEntry, RUNBOOKS, switchoverEntry } from '../../src/services/runbooks/registry.js';
import { runCli } from '../support/runCli.js';

describe('the runbook registry makes the CLI', () => {
  it('every entry is a subcommand whose --help lists each of its options (needs npm run build)', async () => {
    for (const entry of RUNBOOKS) {
      const help = (await runCli([...entry.cli.name.split(' '), '--help'])).stdout;
      expect(help).toContain(entry.cli.description.split(' ').slice(0, 4).join(' '));
      for (const option of entry.cli.options) expect(help).toContain(option.flags);
      for (const common of ['--config', '--dry-run', '--yes']) expect(help).toContain(common);
    }
  });

  it("each option sets the planner's option: seconds in ms, MiB in bytes, flags as true", () => {
    const apply = (entry: typeof failoverEntry | typeof switchoverEntry, flags: string, value: number | true) =>
      (entry.cli.options as ReadonlyArray<{ flags: string; apply(value: number | true): object }>).find((option) => option.flags === flags)!.apply(value);
    expect(apply(failoverEntry, '--fence', true)).toEqual({ fence: true });
    expect(apply(failoverEntry, '--allow-two-primaries', true)).toEqual({ allowTwoPrimaries: true });
    expect(apply(failoverEntry, '--promote-timeout <seconds>', 2.5)).toEqual({ promoteTimeoutMs: 2500 });
    expect(apply(switchoverEntry, '--max-lag <MiB>', 2)).toEqual({ maxLagBytes: 2 * 1024 * 1024 });
    expect(apply(switchoverEntry, '--copy-slots', true)).toEqual({ copySlots: true });
  });

  it('refuses --dry-run with --yes before planning, and a bad number in place', async () => {
    const both = await runCli(['promote', 'pg2', '--dry-run', '--yes', '--config', '/nonexistent.yaml']);
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toContain('promote takes --dry-run or --yes, not both');
    const bad = await runCli(['switchover', '--to', 'pg2', '--stream-timeout', 'soon']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/--stream-timeout.*seconds, from 0\.5 to 3600/);
  });
});
