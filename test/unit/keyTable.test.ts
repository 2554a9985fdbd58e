import { describe, expect, it } from 'vitest';
import type { Command, KeyPress } from '../../src/state/keyTable.js';
import { commandFor, KEY_TABLE } from '../../src/state/keyTable.js';

/** Every member of the Command union: the compiler rejects a missing or an extra one. */
const ALL_COMMANDS: Record<Command, true> = {
  quit: true,
  nextNode: true,
  previousNode: true,
  selectNodeByNumber: true,
};

/** The key presses (as ink reports them) that a key as written in KEY_TABLE stands for. */
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
  it('lists every command exactly once', () => {
    const commands = KEY_TABLE.map((binding) => binding.command);
    expect([...commands].sort()).toEqual(Object.keys(ALL_COMMANDS).sort());
    expect(new Set(commands).size).toBe(commands.length);
  });

  it('gives every command at least one key and a description', () => {
    for (const binding of KEY_TABLE) {
      expect(binding.keys.length, binding.command).toBeGreaterThan(0);
      expect(binding.description.trim(), binding.command).not.toBe('');
    }
  });

  it('never binds one key to two commands', () => {
    const keys = KEY_TABLE.flatMap((binding) => binding.keys);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('shows quit in the footer', () => {
    expect(KEY_TABLE.find((binding) => binding.command === 'quit')?.footer).toBe(true);
  });

  describe.each(KEY_TABLE.flatMap((binding) => binding.keys.map((key) => [key, binding.command] as const)))('key %s', (key, command) => {
    it(`means ${command}`, () => {
      for (const press of pressesFor(key)) expect(commandFor(press), JSON.stringify(press)).toBe(command);
    });
  });
});

describe('commandFor', () => {
  it.each([
    ['q', { input: 'q' }, 'quit'],
    ['Ctrl-C', { input: 'c', ctrl: true }, 'quit'],
    ['→', { input: '', rightArrow: true }, 'nextNode'],
    ['↓', { input: '', downArrow: true }, 'nextNode'],
    ['l', { input: 'l' }, 'nextNode'],
    ['j', { input: 'j' }, 'nextNode'],
    ['←', { input: '', leftArrow: true }, 'previousNode'],
    ['↑', { input: '', upArrow: true }, 'previousNode'],
    ['h', { input: 'h' }, 'previousNode'],
    ['k', { input: 'k' }, 'previousNode'],
    ['1', { input: '1' }, 'selectNodeByNumber'],
    ['9', { input: '9' }, 'selectNodeByNumber'],
  ] as const)('%s → %s', (_name, press: KeyPress, command) => {
    expect(commandFor(press)).toBe(command);
  });

  it.each([
    ['0', { input: '0' }],
    ['10 (a paste)', { input: '10' }],
    ['c without Ctrl', { input: 'c' }],
    ['Q (shift)', { input: 'Q' }],
    ['J (shift)', { input: 'J' }],
    ['Ctrl-Q', { input: 'q', ctrl: true }],
    ['Ctrl-L', { input: 'l', ctrl: true }],
    ['Ctrl-1', { input: '1', ctrl: true }],
    ['Ctrl-→', { input: '', rightArrow: true, ctrl: true }],
    ['x', { input: 'x' }],
    ['space', { input: ' ' }],
    ['nothing', { input: '' }],
    ['²', { input: '²' }],
    ['٣ (Arabic-Indic 3)', { input: '٣' }],
  ] as const)('%s → nothing', (_name, press: KeyPress) => {
    expect(commandFor(press)).toBeUndefined();
  });
});
