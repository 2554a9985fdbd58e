import { describe, expect, it } from 'vitest';
import { assertPgCtlPath, pgCtlPathProblem } from '../../src/services/postgres/pgCtlPath.js';

describe('pgCtlPathProblem: paths pg_ctl would hand to a shell inside double quotes', () => {
  it('accepts ordinary paths, spaces and single quotes included', () => {
    for (const ok of ['/var/lib/postgresql/15/main', '/srv/my data/pg1', "/srv/o'brien", '/srv/a;b&c|d<e>f', '/srv/%p']) {
      expect(pgCtlPathProblem(ok)).toBeUndefined();
    }
  });

  it('names the character the shell would interpret', () => {
    expect(pgCtlPathProblem('/tmp/x$(touch /tmp/pwned)')).toMatch(/dollar sign \(\$\)/);
    expect(pgCtlPathProblem('/tmp/x"y')).toMatch(/double quote \("\)/);
    expect(pgCtlPathProblem('/tmp/x`id`')).toMatch(/backquote/);
    expect(pgCtlPathProblem('/tmp/x\\')).toMatch(/backslash/);
    expect(pgCtlPathProblem('/tmp/x\ny')).toBe('holds a control character (code 10)');
    expect(pgCtlPathProblem('/tmp/\u001b[31mred')).toBe('holds a control character (code 27)');
  });

  it('the error names what the path is, the path and the character', () => {
    expect(() => assertPgCtlPath('data directory', '/srv/x$(id)')).toThrow(
      'data directory "/srv/x$(id)" holds a dollar sign ($), which the shell that pg_ctl starts the server with would interpret',
    );
  });
});
