import { afterEach, describe, expect, it } from 'vitest';
import type { NodeSnapshot } from '../../src/services/cluster/nodeSnapshot.js';
import { noColorTheme } from '../../src/views/theme.js';
import { cleanupCockpits, nodesConfig, renderCockpit, waitForFrame } from '../support/renderCockpit.js';
import { archiverStats, clusterView, downSnapshot, primarySnapshot, replicaLink, standbyLink, standbySnapshot } from './fixtures.js';

afterEach(cleanupCockpits);

/**
 * paneRowsWanted counts the lines NodePane draws: for a pane alone in its row
 * (its own height), the last line sits right above the bottom border, nothing
 * is cut, no row is left blank. Each kind of pane, wide and compact.
 */
const PANES: Array<[string, NodeSnapshot]> = [
  ['a primary with standbys and slots', primarySnapshot('pg1')],
  ['a primary with no standby', primarySnapshot('pg1', 5432, { replicas: [], slots: [] })],
  ['a standby, replay paused, timeline last seen', standbySnapshot('pg1', 5432, { replayPaused: true, replayGapBytes: 1024, timelineLastSeen: true })],
  ['a cascading standby serving two', standbySnapshot('pg1', 5432, { replicas: [replicaLink({ applicationName: 'pg3' }), replicaLink({ applicationName: 'pg4', pid: 4010 })] })],
  ['a standby archiving with slots', standbySnapshot('pg1', 5432, { archiver: archiverStats({ enabled: true }), slots: primarySnapshot().server!.slots })],
  ['a down node with a long reason', downSnapshot('pg1', 5432, { downReason: 'timeout expired while connecting to 10.20.30.40:5432 after 5 s (is a firewall dropping packets?)' })],
  ['a node not polled yet', { name: 'pg1', host: '127.0.0.1', port: 5432, status: 'unknown', role: 'unknown', polledAt: 0 }],
];

describe('a pane is as tall as its lines', () => {
  for (const [columns, rows] of [
    [160, 45],
    [100, 30],
  ] as const) {
    it.each(PANES)(`${columns}×${rows}: %s`, async (_, node) => {
      const { plainFrame } = renderCockpit({ config: nodesConfig(1), view: clusterView({ nodes: [node], links: node.role === 'standby' ? [standbyLink({ standby: 'pg1', replayPaused: Boolean(node.server?.replayPaused) })] : [] }), theme: noColorTheme, columns, rows });
      const frame = await waitForFrame(plainFrame, (f) => f.includes('1 pg1'));
      const lines = frame.split('\n');
      const top = lines.findIndex((line) => line.startsWith('╔'));
      const bottom = lines.findIndex((line) => line.startsWith('╚'));
      const inside = lines.slice(top + 1, bottom).map((line) => line.slice(1, -1).trim());
      expect(inside.every((line) => line !== ''), inside.join('\n')).toBe(true);
      expect(frame).not.toContain('more lines');
      expect(lines[bottom + 1]).toMatch(/^── (log|LOG)/);
    });
  }
});
