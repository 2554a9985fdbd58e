import type { Command, KeyBinding, KeyContextName } from '../state/keyTable.js';
import { KEY_TABLE, WHEN_LABEL } from '../state/keyTable.js';

/** Border (2) and the title line. */
export const HELP_CHROME_ROWS = 3;
/** Border (2) and one column of padding each side. */
export const HELP_CHROME_COLUMNS = 4;
/** Between the keys column and the description. */
const KEYS_GAP = 2;

/** One entry of the help: a section heading (where the keys below work) or a binding, its description wrapped to whole lines. */
export type HelpItem = { kind: 'heading'; when: KeyContextName; text: string } | { kind: 'binding'; binding: KeyBinding; keys: string; lines: string[] };

/**
 * The help as entries, every binding of the key table under the heading of
 * where it works (sections in the order the table first names them, bindings
 * in table order). Descriptions wrap at word boundaries to the width left
 * beside the keys, so no entry is ever cut: the overlay scrolls whole entries.
 */
export function helpItems(innerWidth: number, table: readonly KeyBinding[] = KEY_TABLE): HelpItem[] {
  const keysWidth = helpKeysWidth(table);
  const descriptionWidth = Math.max(10, innerWidth - keysWidth);
  const sections = [...new Set(table.map((binding) => binding.when))];
  return sections.flatMap((when): HelpItem[] => [
    { kind: 'heading', when, text: WHEN_LABEL[when] },
    ...table.filter((binding) => binding.when === when).map((binding): HelpItem => ({ kind: 'binding', binding, keys: binding.keys.join(' '), lines: wrapWords(binding.description, descriptionWidth) })),
  ]);
}

/** Columns of the keys column: the longest keys of the table and a gap. */
export function helpKeysWidth(table: readonly KeyBinding[] = KEY_TABLE): number {
  return Math.max(...table.map((binding) => Array.from(binding.keys.join(' ')).length)) + KEYS_GAP;
}

export function helpItemRows(item: HelpItem): number {
  return item.kind === 'heading' ? 1 : item.lines.length;
}

/** Greedy word wrap; a word longer than the width is split. */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let rest = word;
    while (Array.from(rest).length > width) {
      if (line !== '') lines.push(line);
      line = '';
      lines.push(Array.from(rest).slice(0, width).join(''));
      rest = Array.from(rest).slice(width).join('');
    }
    if (rest === '') continue;
    const candidate = line === '' ? rest : `${line} ${rest}`;
    if (Array.from(candidate).length <= width) line = candidate;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

/** The entries of the help for an overlay of this size, and the rows they may take. */
export function helpPage(width: number, height: number): { items: HelpItem[]; rows: number } {
  return { items: helpItems(width - HELP_CHROME_COLUMNS), rows: Math.max(1, height - HELP_CHROME_ROWS) };
}

/** The entries shown from `top`: [first, end), whole entries only (at least one, even if it alone is too tall). */
export function helpWindow(items: readonly HelpItem[], top: number, rows: number): { first: number; end: number } {
  const first = Math.max(0, Math.min(top, lastHelpTop(items, rows)));
  let end = first;
  let used = 0;
  while (end < items.length && (end === first || used + helpItemRows(items[end]!) <= rows)) {
    used += helpItemRows(items[end]!);
    end += 1;
  }
  return { first, end };
}

/** The last useful top: the first entry from which everything to the end fits. */
export function lastHelpTop(items: readonly HelpItem[], rows: number): number {
  let top = items.length;
  let used = 0;
  while (top > 0 && used + helpItemRows(items[top - 1]!) <= rows) {
    used += helpItemRows(items[top - 1]!);
    top -= 1;
  }
  return Math.min(top, Math.max(0, items.length - 1));
}

export type HelpScrollCommand = Extract<Command, 'scrollHelpDown' | 'scrollHelpUp' | 'pageHelpDown' | 'pageHelpUp' | 'helpTop' | 'helpBottom'>;

/**
 * The top entry after a scroll key: a line moves one entry; a page moves to
 * the first entry not wholly shown (down) or back so that the old top is the
 * first entry below the new page (up): every entry is seen whole on some page.
 */
export function helpTopAfter(command: HelpScrollCommand, top: number, items: readonly HelpItem[], rows: number): number {
  const last = lastHelpTop(items, rows);
  const current = Math.max(0, Math.min(top, last));
  switch (command) {
    case 'scrollHelpDown':
      return Math.min(current + 1, last);
    case 'scrollHelpUp':
      return Math.max(current - 1, 0);
    case 'pageHelpDown':
      return Math.min(Math.max(helpWindow(items, current, rows).end, current + 1), last);
    case 'pageHelpUp': {
      let first = current;
      let used = 0;
      while (first > 0 && (first === current || used + helpItemRows(items[first - 1]!) <= rows)) {
        used += helpItemRows(items[first - 1]!);
        first -= 1;
      }
      return first;
    }
    case 'helpTop':
      return 0;
    case 'helpBottom':
      return last;
  }
}
