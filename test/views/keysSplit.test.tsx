import { Text, useInput } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { KeyPress } from '../../src/state/keyTable.js';
import { createKeySplitter, keyPressesOf, singleCharacterPress } from '../../src/views/keyPresses.js';

/** The flags set on a press, as a comparable object (Ink reports every flag, true or false). */
function setFlags(press: Record<string, unknown>): Record<string, unknown> {
  const flags: Record<string, unknown> = {};
  for (const name of ['upArrow', 'downArrow', 'leftArrow', 'rightArrow', 'pageUp', 'pageDown', 'home', 'end', 'tab', 'shift', 'return', 'backspace', 'delete', 'escape', 'ctrl', 'meta']) {
    if (press[name]) flags[name] = true;
  }
  return { input: press.input, ...flags };
}

describe('keyPressesOf', () => {
  it('splits a run of plain characters into one press each, in order', () => {
    expect(keyPressesOf('jj')).toEqual([{ input: 'j' }, { input: 'j' }]);
    expect(keyPressesOf('2\r')).toEqual([{ input: '2' }, { input: '\r', return: true }]);
    expect(keyPressesOf('pg2\r').map((press) => press.input)).toEqual(['p', 'g', '2', '\r']);
    expect(keyPressesOf('\t/G')).toEqual([{ input: '', tab: true }, { input: '/' }, { input: 'G', shift: true }]);
    expect(keyPressesOf('x\x7f\b')).toEqual([{ input: 'x' }, { input: '', delete: true }, { input: '', backspace: true }]);
    expect(keyPressesOf('q\x03\x06\x12 ')).toEqual([{ input: 'q' }, { input: 'c', ctrl: true }, { input: 'f', ctrl: true }, { input: 'r', ctrl: true }, { input: ' ' }]);
    // Code points, not UTF-16 units: an emoji is one press.
    expect(keyPressesOf('é😀')).toEqual([{ input: 'é' }, { input: '😀' }]);
  });

  it('leaves one key as it is: a single character, and whatever Ink already parsed as a named key', () => {
    expect(keyPressesOf('j')).toEqual([{ input: 'j' }]);
    expect(keyPressesOf('', { downArrow: true })).toEqual([{ input: '', downArrow: true }]);
    expect(keyPressesOf('', { escape: true, meta: true })).toEqual([{ input: '', escape: true, meta: true }]);
    expect(keyPressesOf('', { tab: true, shift: true })).toEqual([{ input: '', tab: true, shift: true }]);
  });

  it('reads an Alt press (ESC and a key in one chunk) as Esc, then the key: the cockpit binds no Alt key', () => {
    const ESC = { input: '', escape: true, meta: true };
    expect(keyPressesOf('q', { meta: true })).toEqual([ESC, { input: 'q' }]);
    expect(keyPressesOf('Q', { meta: true, shift: true })).toEqual([ESC, { input: 'Q', shift: true }]);
    expect(keyPressesOf('', { meta: true, upArrow: true })).toEqual([ESC, { input: '', upArrow: true }]);
    expect(keyPressesOf('\r', { meta: true, return: true })).toEqual([ESC, { input: '\r', return: true }]);
    expect(keyPressesOf('')).toEqual([{ input: '' }]);
  });
});

describe('createKeySplitter', () => {
  it('a bracketed paste is one paste press of text, the markers dropped; keys around it split as usual', () => {
    const splitter = createKeySplitter();
    expect(splitter.presses('[200~')).toEqual([]);
    expect(splitter.presses('q2\r')).toEqual([{ input: 'q2\r', paste: true }]);
    expect(splitter.presses('', { escape: true, meta: true })).toEqual([]);
    expect(splitter.presses('[201~')).toEqual([]);
    expect(splitter.presses('jj')).toEqual([{ input: 'j' }, { input: 'j' }]);
  });
});

/** What Ink's own useInput reports for each character written alone. */
async function inkPresses(characters: string[]): Promise<Array<Record<string, unknown>>> {
  const seen: Array<Record<string, unknown>> = [];
  function Probe() {
    useInput((input, key) => {
      seen.push({ input, ...key });
    });
    return <Text>probe</Text>;
  }
  const { stdin, unmount } = render(<Probe />);
  // Let the effect that subscribes to input run.
  await new Promise((resolve) => setTimeout(resolve, 20));
  for (const character of characters) {
    stdin.write(character);
    await new Promise((resolve) => setImmediate(resolve));
  }
  unmount();
  return seen;
}

describe('singleCharacterPress', () => {
  it("reports each character as Ink's useInput does when it arrives alone", async () => {
    const characters = ['j', 'G', '2', ' ', '?', '/', '+', '\r', '\n', '\t', '\x7f', '\b', '\x03', '\x06', '\x12', '\x01', 'é'];
    const ink = await inkPresses(characters);
    expect(ink).toHaveLength(characters.length);
    characters.forEach((character, index) => {
      expect(setFlags(singleCharacterPress(character) as KeyPress & Record<string, unknown>), JSON.stringify(character)).toEqual(setFlags(ink[index]!));
    });
  });
});
