import { runCli } from './runCli.js';

export interface StatusAlerts {
  exitCode: number | undefined;
  /** "code node" for each alert, worst first, as `pgcockpit status --json` lists them. */
  codes: string[];
  raw: string;
}

/** `pgcockpit status --json` on a config: its exit code and its alerts as "code node". */
export async function statusAlerts(configFile: string, env: Record<string, string> = {}): Promise<StatusAlerts> {
  const status = await runCli(['status', '--json', '--config', configFile], env);
  const report = JSON.parse(status.stdout) as { alerts: Array<{ code: string; node?: string }> };
  return { exitCode: status.exitCode, codes: report.alerts.map((alert) => `${alert.code}${alert.node ? ` ${alert.node}` : ''}`).sort(), raw: status.stdout };
}

/**
 * Waits until `pgcockpit status` shows exactly `expected` (as "code node",
 * sorted), ignoring those in `tolerated` (alerts a known cause may or may not
 * raise yet), then checks the exit code that goes with them; fails naming
 * what it saw. Right after an operation a lag or a reconnect may show for a
 * moment: the end state is awaited, not a moment asserted.
 */
export async function expectStatusAlerts(configFile: string, expected: readonly string[], tolerated: readonly string[] = [], env: Record<string, string> = {}): Promise<StatusAlerts> {
  const want = [...expected].sort().join('\n');
  const relevant = (status: StatusAlerts) => status.codes.filter((code) => !tolerated.includes(code)).join('\n');
  const deadline = Date.now() + 30_000;
  let last = await statusAlerts(configFile, env);
  while (relevant(last) !== want && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    last = await statusAlerts(configFile, env);
  }
  if (relevant(last) !== want) throw new Error(`status alerts: expected [${expected.join(', ')}], saw [${last.codes.join(', ')}]\n${last.raw.slice(0, 3000)}`);
  const expectedExit = last.codes.length === 0 ? 0 : undefined;
  if (expectedExit !== undefined && last.exitCode !== expectedExit) throw new Error(`status exit ${last.exitCode}, expected ${expectedExit}`);
  return last;
}
