import { afterEach, describe, expect, it } from 'vitest';
import { describeServerLog } from '../../src/services/postgres/serverLogPlace.js';
import { cleanupCockpits, renderCockpit, waitForFrame } from '../support/renderCockpit.js';
import { clusterView, primarySnapshot, SANDBOX_SETTINGS, standbySnapshot } from './fixtures.js';
import { KEY } from './paneText.js';

afterEach(cleanupCockpits);

/** Issue 10, point 8: the detail view says where the server logs. */
describe('node detail: the server log line', () => {
  it('a logging collector: its directory, made absolute against the data directory', async () => {
    const pg1 = primarySnapshot('pg1', 5432, { settings: { ...SANDBOX_SETTINGS, logging_collector: 'on', log_directory: 'log', data_directory: '/srv/pg1/data' } });
    const { press, plainFrame } = renderCockpit({ view: clusterView({ nodes: [pg1, standbySnapshot()] }) });
    await press(KEY.enter);
    const frame = await waitForFrame(plainFrame, (f) => f.includes('Settings'));
    expect(frame).toContain('server log /srv/pg1/data/log/ (logging_collector)');
  });

  it('without one: stderr, and which file decides; settings the role cannot read: no line', () => {
    expect(describeServerLog({ logging_collector: 'on', log_directory: '/var/log/pg', data_directory: '/srv/pg1/data' })).toBe('/var/log/pg/ (logging_collector)');
    expect(describeServerLog({ logging_collector: 'off' })).toBe('stderr, no logging_collector (the file its pg_ctl -l or its service names)');
    expect(describeServerLog({ logging_collector: 'on' })).toBe('logging_collector on (log_directory not visible to this role)');
    expect(describeServerLog({})).toBeUndefined();
  });
});
