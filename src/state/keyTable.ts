/**
 * Every key the cockpit answers, as data: the input router, the footer and
 * the help overlay all read this one table, so help cannot drift from behaviour.
 */
export type Command = 'quit' | 'nextNode' | 'previousNode' | 'selectNodeByNumber';

export interface KeyBinding {
  command: Command;
  /** How the key is written in the footer and help. */
  keys: string[];
  description: string;
  /** Shown in the footer (the help overlay shows all). */
  footer: boolean;
}

export const KEY_TABLE: readonly KeyBinding[] = [
  { command: 'nextNode', keys: ['→', '↓', 'l', 'j'], description: 'select the next node', footer: true },
  { command: 'previousNode', keys: ['←', '↑', 'h', 'k'], description: 'select the previous node', footer: false },
  { command: 'selectNodeByNumber', keys: ['1-9'], description: 'select node N', footer: true },
  { command: 'quit', keys: ['q', 'Ctrl-C'], description: 'quit (the cluster keeps running)', footer: true },
];

export interface KeyPress {
  input: string;
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  ctrl?: boolean;
}

/** Which command a key press means, if any. */
export function commandFor(key: KeyPress): Command | undefined {
  if (key.ctrl && key.input === 'c') return 'quit';
  if (key.ctrl) return undefined;
  if (key.input === 'q') return 'quit';
  if (key.rightArrow || key.downArrow || key.input === 'l' || key.input === 'j') return 'nextNode';
  if (key.leftArrow || key.upArrow || key.input === 'h' || key.input === 'k') return 'previousNode';
  if (/^[1-9]$/.test(key.input)) return 'selectNodeByNumber';
  return undefined;
}
