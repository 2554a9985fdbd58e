import type { KeyPress } from '../state/keyTable.js';

/** What Ink's useInput passes for one stdin event: the text and its key flags. */
export type InkKey = Omit<KeyPress, 'input'>;

/** A lone Esc as Ink reports it. */
const ESCAPE: KeyPress = { input: '', escape: true, meta: true };

/** Flags that say Ink recognised one named key (an arrow, Enter, Esc, Ctrl-…): that event is one press. */
const NAMED_KEY_FLAGS = ['upArrow', 'downArrow', 'leftArrow', 'rightArrow', 'pageUp', 'pageDown', 'home', 'end', 'tab', 'return', 'backspace', 'delete', 'escape', 'ctrl', 'meta'] as const;

/**
 * The key presses one call of Ink's useInput stands for, in the order typed.
 *
 * Ink 6.8 reads a chunk of stdin and splits it at escape sequences (its
 * input-parser): an arrow, PgUp, Shift-Tab or a lone Esc each reach useInput
 * alone and parsed. A run of plain characters between them, though, comes
 * whole as one `input`: `jj`, `2\r`, `pg2\r` typed quickly over ssh or sent by
 * `tmux send-keys` in one write. Such a run is split here into one press a
 * character, each flagged as Ink flags that character arriving alone (its
 * parse-keypress and use-input are not exported, so the mapping for a single
 * character is repeated in singleCharacterPress). Printable characters
 * typed into the search or the confirmation so end up there as text, in order.
 */
export function keyPressesOf(input: string, key: InkKey = {}): KeyPress[] {
  // ESC and the key right after it come as one "Alt" press (Ink sets meta). The cockpit binds no Alt
  // key, and over ssh it is Esc then a key typed quickly (Esc q: close, then quit): both, in order.
  // (Ink keeps meta only for ESC before a letter, a digit, Space or a named key; ESC before other
  // punctuation reaches useInput without it, and is lost.)
  if (key.meta && !key.escape) {
    const { meta: _alt, ...unmodified } = key;
    return [ESCAPE, ...keyPressesOf(input, unmodified)];
  }
  const characters = Array.from(input);
  if (characters.length <= 1 || NAMED_KEY_FLAGS.some((flag) => key[flag])) return [{ ...key, input }];
  return characters.map(singleCharacterPress);
}

/** What useInput reports for the start and the end of a bracketed paste (ESC [200~, ESC [201~; Ink strips the ESC). */
const PASTE_START = '[200~';
const PASTE_END = '[201~';

/**
 * keyPressesOf with bracketed paste: text a terminal wraps in the paste
 * markers is one `paste` press, typed as text where text is taken and never
 * read as keys (a pasted "q" does not quit, a pasted "2" selects no node).
 */
export function createKeySplitter() {
  let pasting = false;
  return {
    presses(input: string, key: InkKey = {}): KeyPress[] {
      const plain = !NAMED_KEY_FLAGS.some((flag) => key[flag]);
      if (plain && input === PASTE_START) {
        pasting = true;
        return [];
      }
      if (plain && input === PASTE_END) {
        pasting = false;
        return [];
      }
      if (pasting) return input === '' ? [] : [{ input, paste: true }];
      return keyPressesOf(input, key);
    },
  };
}

/** One character as Ink's useInput reports it when it arrives alone (no escape character: Ink splits those off). */
export function singleCharacterPress(character: string): KeyPress {
  switch (character) {
    case '\r':
      return { input: '\r', return: true };
    case '\t':
      return { input: '', tab: true };
    case '\b':
      return { input: '', backspace: true };
    case '\x7f':
      // What most terminals send for Backspace; Ink names it delete.
      return { input: '', delete: true };
  }
  const code = character.codePointAt(0) ?? 0;
  // Ctrl-A … Ctrl-Z arrive as 0x01 … 0x1a; Ink reports the letter with ctrl (Ctrl-C: input 'c').
  if (code <= 0x1a && character !== '\n') return { input: String.fromCharCode(code + 0x60), ctrl: true };
  if (/^[A-Z]$/.test(character)) return { input: character, shift: true };
  return { input: character };
}
