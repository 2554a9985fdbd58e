import { describe, expect, it } from 'vitest';
import { expandHome } from '../../src/services/config/expandHome.js';

describe('expandHome', () => {
  it.each([
    ['~', '/home/dba'],
    ['~/.pgpass', '/home/dba/.pgpass'],
    ['/var/lib/postgresql', '/var/lib/postgresql'],
    ['relative/~/dir', 'relative/~/dir'],
    // Another user's home would need a passwd lookup: left for the DBA to spell out.
    ['~postgres/16/main', '~postgres/16/main'],
  ])('%s → %s', (written, expanded) => {
    expect(expandHome(written, '/home/dba')).toBe(expanded);
  });
});
