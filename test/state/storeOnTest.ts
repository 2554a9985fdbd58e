import { configSchema } from '../../src/services/config/schema.js';
import { createCockpitStore } from '../../src/state/createCockpitStore.js';

/** A fresh store of three nodes (pg1..pg3), counting its updates: one set() is one render. */
export function freshStore(options: { refreshIntervalMs?: number; readOnly?: boolean } = {}) {
  const config = configSchema.parse({
    cluster: 'test',
    nodes: ['pg1', 'pg2', 'pg3'].map((name, index) => ({ name, host: '127.0.0.1', port: 5432 + index, dataDir: `/nonexistent/${name}` })),
  });
  const store = createCockpitStore(config, options.refreshIntervalMs, { readOnly: options.readOnly ?? false });
  let updates = 0;
  store.subscribe(() => updates++);
  return { store, state: () => store.getState(), updates: () => updates };
}
