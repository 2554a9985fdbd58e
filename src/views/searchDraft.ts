import type { KeyPress } from '../state/keyTable.js';

/**
 * The search being typed after a key no binding claimed: Backspace (or the
 * Delete that many terminals send for it) removes the last character, printable
 * text (a paste too) is added; undefined when the key is neither (arrows, Ctrl-…).
 */
export function editedSearchDraft(draft: string, press: KeyPress): string | undefined {
  if (press.backspace || press.delete) return Array.from(draft).slice(0, -1).join('');
  if (press.ctrl || press.meta) return undefined;
  const text = press.input.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  return text === '' ? undefined : draft + text;
}
