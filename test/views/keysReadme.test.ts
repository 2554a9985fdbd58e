import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KEY_TABLE, WHEN_LABEL } from '../../src/state/keyTable.js';

/** The rows of the README's "## Keys" table: each row's keys (the backquoted ones of its first cell) and its "where" cell. */
function readmeKeyRows(): Array<{ keys: string[]; where: string; line: string }> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('\n## Keys\n');
  expect(start, 'README has a "## Keys" section').toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  const rows = section.split('\n').filter((line) => line.startsWith('|'));
  expect(rows[0]).toMatch(/^\| key \| does \| where \|$/);
  return rows.slice(2).map((line) => {
    const cells = line.slice(1, -1).split('|').map((cell) => cell.trim());
    expect(cells, line).toHaveLength(3);
    return { keys: [...cells[0]!.matchAll(/`([^`]+)`/g)].map((match) => match[1]!), where: cells[2]!, line };
  });
}

describe("the README's Keys table", () => {
  it('lists exactly the rows of the key table: the same keys, where they work as ? says it', () => {
    const row = (keys: readonly string[], where: string) => `${keys.join(' ')} · ${where}`;
    const readme = readmeKeyRows().map((entry) => row(entry.keys, entry.where));
    const table = KEY_TABLE.map((binding) => row(binding.keys, WHEN_LABEL[binding.when]));
    const missing = table.filter((entry) => !readme.includes(entry));
    const extra = readme.filter((entry) => !table.includes(entry));
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
    expect([...readme].sort()).toEqual([...table].sort());
  });
});
