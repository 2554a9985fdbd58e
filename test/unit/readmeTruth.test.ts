import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildClusterView } from '../../src/services/cluster/buildClusterView.js';
import { configSchema, DEFAULT_THRESHOLDS } from '../../src/services/config/schema.js';
import type { ServiceAction } from '../../src/services/runbooks/serviceControl.js';
import { serviceCommand } from '../../src/services/runbooks/serviceControl.js';
import { healthyCluster, NOW } from '../support/snapshots.js';

/** What the README says the product does, held to what the code does (issue 10, point 9). */
const README = readFileSync(path.resolve('README.md'), 'utf8').replace(/\s+/g, ' ');

describe('the README says what is true', () => {
  it('the default service commands are the ones serviceCommand runs', () => {
    const [node] = configSchema.parse({ cluster: 'x', nodes: [{ name: 'db1', host: 'h', dataDir: '/placeholder' }] }).nodes;
    const shown = { ...node!, dataDir: '{dataDir}', serverLog: '{serverLog}' };
    for (const action of ['start', 'stop', 'restart', 'status'] satisfies ServiceAction[]) {
      const spec = serviceCommand(shown, action);
      expect(README).toContain(`${action} \`${[spec.program, ...spec.args].join(' ')}\``);
    }
  });

  it('quotes the pg_wal forecast alert as the cockpit raises it', () => {
    const view = buildClusterView(healthyCluster(), DEFAULT_THRESHOLDS, NOW, new Map([['pg1', 5]]));
    const alert = view.alerts.find((candidate) => candidate.code === 'wal-full-forecast');
    expect(alert?.message).toBeDefined();
    expect(README).toContain(`("${alert!.message}")`);
    // Without forecasts (what `status` has: one look, no growth), no such alert: the README says so.
    expect(buildClusterView(healthyCluster(), DEFAULT_THRESHOLDS, NOW).alerts.some((candidate) => candidate.code === 'wal-full-forecast')).toBe(false);
    expect(README).toContain('in the cockpit only');
  });
});
