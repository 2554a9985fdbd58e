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
