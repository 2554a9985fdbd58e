import { describe, expect, it } from 'vitest';
import { replicationSchema } from '../../src/services/config/schema.js';
import { slotNameFor } from '../../src/services/postgres/slotName.js';

/** What PostgreSQL accepts as a replication slot name (ReplicationSlotValidateName). */
const VALID_SLOT = /^[a-z0-9_]{1,63}$/;

describe('slotNameFor', () => {
  it.each([
    ['slot_{node}', 'pg2', 'slot_pg2'],
    ['slot_{node}', 'PG2', 'slot_pg2'],
    ['slot_{node}', 'Standby-East.1', 'slot_standby_east_1'],
    ['slot_{node}', 'db.example-01', 'slot_db_example_01'],
    ['slot_{node}', 'node_3', 'slot_node_3'],
    ['{node}', 'pg3', 'pg3'],
    ['{node}_to_{node}', 'A-b', 'a_b_to_a_b'],
    ['fixed', 'pg2', 'fixed'],
  ])('%s with node %s → %s', (pattern, node, slot) => {
    expect(slotNameFor(pattern, node)).toBe(slot);
    expect(slot).toMatch(VALID_SLOT);
  });

  it('gives a valid slot name for every node name the config allows', () => {
    const nodeNames = ['PG1', 'a', '9', 'x.y-z_W', 'Z'.repeat(20), 'a--b..c'];
    for (const node of nodeNames) expect(slotNameFor('slot_{node}', node)).toMatch(VALID_SLOT);
  });

  it('works with the default pattern of the config schema', () => {
    const { slotNamePattern } = replicationSchema.parse({});
    expect(slotNameFor(slotNamePattern, 'PG-2')).toBe('slot_pg_2');
  });

  it('replaces anything outside a-z, 0-9 and _ (non-ASCII letters included) with _', () => {
    expect(slotNameFor('s_{node}', 'Émile')).toBe('s__mile');
  });
});
