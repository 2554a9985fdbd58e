import { describe, expect, it } from 'vitest';
import type { Command, KeyContext, KeyPress } from '../../src/state/keyTable.js';
import { activeBindings, bindingFor, commandFor, KEY_TABLE, keyMatches } from '../../src/state/keyTable.js';

/** Every member of the Command union: the compiler rejects a missing or an extra one. */
const ALL_COMMANDS: Record<Command, true> = {
  nextNode: true,
  previousNode: true,
  selectNodeByNumber: true,
  openDetail: true,
  cycleFocus: true,
  closeOverlay: true,
  togglePause: true,
  longerInterval: true,
  shorterInterval: true,
  refreshNow: true,
  toggleHelp: true,
  quit: true,
};

/** Every screen the router can be on. */
const CONTEXTS: Record<string, KeyContext> = {
  'nodes focused': { overlay: 'none', focus: 'nodes' },
  'log focused': { overlay: 'none', focus: 'log' },
  'help open': { overlay: 'help', focus: 'nodes' },
  'detail open': { overlay: 'detail', focus: 'log' },
  'too small': { overlay: 'none', focus: 'nodes', tooSmall: true },
};

/** The key presses (as ink's useInput reports them) that a key as written in KEY_TABLE stands for. */
function pressesFor(key: string): KeyPress[] {
  switch (key) {
    case '→':
      return [{ input: '', rightArrow: true }];
    case '←':
      return [{ input: '', leftArrow: true }];
    case '↑':
      return [{ input: '', upArrow: true }];
    case '↓':
      return [{ input: '', downArrow: true }];
    case 'Tab':
      return [{ input: '', tab: true }];
    case 'Enter':
      return [{ input: '\r', return: true }];
    case 'Esc':
      return [{ input: '', escape: true, meta: true }];
    case 'Space':
      return [{ input: ' ' }];
    case 'Ctrl-C':
      return [{ input: 'c', ctrl: true }];
    case '1-9':
      return [...'123456789'].map((digit) => ({ input: digit }));
    default:
      expect(key).toHaveLength(1);
      return [{ input: key }];
  }
}

describe('KEY_TABLE', () => {
  it('lists every command exactly once, with keys and a description', () => {
    const commands = KEY_TABLE.map((binding) => binding.command);
    expect([...commands].sort()).toEqual(Object.keys(ALL_COMMANDS).sort());
    for (const binding of KEY_TABLE) {
      expect(binding.keys.length, binding.command).toBeGreaterThan(0);
      expect(binding.description.trim(), binding.command).not.toBe('');
    }
  });

  it.each(Object.entries(CONTEXTS))('never gives one key two meanings (%s)', (_name, context) => {
    const keys = activeBindings(context).flatMap((binding) => binding.keys);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keeps help and quit in the footer however narrow', () => {
    for (const command of ['toggleHelp', 'quit'] as const) {
      const binding = KEY_TABLE.find((candidate) => candidate.command === command);
      expect(binding?.pinned, command).toBe(true);
      expect(binding?.footer, command).toBeTruthy();
    }
  });

  describe.each(KEY_TABLE.flatMap((binding) => binding.keys.map((key) => [key, binding] as const)))('key %s', (key, binding) => {
    it(`means ${binding.command} where it works (${binding.when}) and nothing where it does not`, () => {
      for (const [name, context] of Object.entries(CONTEXTS)) {
        const works = activeBindings(context).includes(binding);
        for (const press of pressesFor(key)) {
          expect(commandFor(press, context), `${name}: ${JSON.stringify(press)}`).toBe(works ? binding.command : undefined);
        }
      }
    });
  });
});

describe('routing priorities', () => {
  it('quit, help and poll control work everywhere', () => {
    for (const context of Object.values(CONTEXTS)) {
      for (const key of ['q', '?', ' ', '+', '-', 'R']) expect(bindingFor({ input: key }, context), key).toBeDefined();
    }
  });

  it('an open overlay takes Esc; the node grid does not get Enter, Tab or arrows', () => {
    const help = CONTEXTS['help open']!;
    expect(commandFor({ input: '', escape: true, meta: true }, help)).toBe('closeOverlay');
    expect(commandFor({ input: '\r', return: true }, help)).toBeUndefined();
    expect(commandFor({ input: '', tab: true }, help)).toBeUndefined();
    expect(commandFor({ input: '', downArrow: true }, help)).toBeUndefined();
  });

  it('Esc means nothing without an overlay', () => {
    expect(commandFor({ input: '', escape: true, meta: true })).toBeUndefined();
  });
});

describe('keyMatches', () => {
  it.each([
    ['0', { input: '0' }],
    ['10 (a paste)', { input: '10' }],
    ['c without Ctrl', { input: 'c' }],
    ['Q (shift)', { input: 'Q' }],
    ['r (refresh is R)', { input: 'r' }],
    ['Ctrl-Q', { input: 'q', ctrl: true }],
    ['Ctrl-L', { input: 'l', ctrl: true }],
    ['Ctrl-1', { input: '1', ctrl: true }],
    ['Ctrl-→', { input: '', rightArrow: true, ctrl: true }],
    ['Alt-j', { input: 'j', meta: true }],
    ['x', { input: 'x' }],
    ['nothing', { input: '' }],
    ['²', { input: '²' }],
    ['٣ (Arabic-Indic 3)', { input: '٣' }],
  ] as const)('%s → nothing', (_name, press: KeyPress) => {
    expect(commandFor(press)).toBeUndefined();
    expect(KEY_TABLE.some((binding) => binding.keys.some((key) => keyMatches(key, press)))).toBe(false);
  });
});
