/**
 * Every key the cockpit answers, as data: the input router, the footer and
 * the help overlay all read this one table, so help cannot drift from behaviour.
 */
import type { Focus, Overlay } from './createCockpitStore.js';

export type Command =
  | 'nextNode'
  | 'previousNode'
  | 'selectNodeByNumber'
  | 'openDetail'
  | 'cycleFocus'
  | 'closeOverlay'
  | 'togglePause'
  | 'longerInterval'
  | 'shorterInterval'
  | 'refreshNow'
  | 'toggleHelp'
  | 'quit';

/**
 * Where a key works. The router asks the layers in this order and the first
 * match wins, so an open overlay has first claim on a key:
 * - overlay: an overlay (help, node detail) is open
 * - always: on every screen, overlays and the too-small screen included
 * - main: no overlay is open
 * - nodes: no overlay is open and the node grid has the focus
 */
export type KeyContextName = 'overlay' | 'always' | 'main' | 'nodes';

export interface KeyBinding {
  command: Command;
  /** The keys as written in the footer and help; keyMatches() reads the same strings. */
  keys: readonly string[];
  description: string;
  when: KeyContextName;
  /** Short label for the footer; absent: listed in the help overlay only. */
  footer?: string;
  /** Kept in the footer however narrow the terminal (the rest drop from the end). */
  pinned?: boolean;
}

export const KEY_TABLE: readonly KeyBinding[] = [
  { command: 'nextNode', keys: ['→', '↓', 'l', 'j'], description: 'select the next node', when: 'nodes', footer: 'next' },
  { command: 'previousNode', keys: ['←', '↑', 'h', 'k'], description: 'select the previous node', when: 'nodes' },
  { command: 'selectNodeByNumber', keys: ['1-9'], description: 'select node N', when: 'nodes', footer: 'node' },
  { command: 'openDetail', keys: ['Enter'], description: "open the selected node's detail", when: 'nodes', footer: 'detail' },
  { command: 'cycleFocus', keys: ['Tab'], description: 'move the focus between nodes and log', when: 'main', footer: 'focus' },
  { command: 'closeOverlay', keys: ['Esc'], description: 'close the overlay', when: 'overlay', footer: 'close' },
  { command: 'togglePause', keys: ['Space'], description: 'pause or resume polling', when: 'always', footer: 'pause' },
  { command: 'longerInterval', keys: ['+'], description: 'poll less often (next longer interval)', when: 'always', footer: 'slower' },
  { command: 'shorterInterval', keys: ['-'], description: 'poll more often (next shorter interval)', when: 'always', footer: 'faster' },
  { command: 'refreshNow', keys: ['R'], description: 'poll every node now', when: 'always', footer: 'refresh' },
  { command: 'toggleHelp', keys: ['?'], description: 'show or hide this help', when: 'always', footer: 'help', pinned: true },
  { command: 'quit', keys: ['q', 'Ctrl-C'], description: 'quit (the cluster keeps running)', when: 'always', footer: 'quit', pinned: true },
];

/** In words, for the help overlay. */
export const WHEN_LABEL: Record<KeyContextName, string> = {
  overlay: 'in an overlay',
  always: 'anywhere',
  main: 'without an overlay',
  nodes: 'nodes focused',
};

/** A key press as ink's useInput reports it. */
export interface KeyPress {
  input: string;
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  tab?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  meta?: boolean;
}

/** What the router needs to know about the screen to pick a layer. */
export interface KeyContext {
  overlay: Overlay;
  focus: Focus;
  /** The too-small screen: only keys that work anywhere. */
  tooSmall?: boolean;
}

export const MAIN_SCREEN: KeyContext = { overlay: 'none', focus: 'nodes' };

/** The layers that hear keys in this context, first claim first. */
export function activeLayers(context: KeyContext): KeyContextName[] {
  if (context.overlay !== 'none') return ['overlay', 'always'];
  if (context.tooSmall) return ['always'];
  return context.focus === 'nodes' ? ['always', 'main', 'nodes'] : ['always', 'main'];
}

/** The bindings that work in this context, in table order. */
export function activeBindings(context: KeyContext): KeyBinding[] {
  const layers = activeLayers(context);
  return KEY_TABLE.filter((binding) => layers.includes(binding.when));
}

/** Which binding a key press means in this context, if any. */
export function bindingFor(press: KeyPress, context: KeyContext = MAIN_SCREEN): KeyBinding | undefined {
  for (const layer of activeLayers(context)) {
    const binding = KEY_TABLE.find((candidate) => candidate.when === layer && candidate.keys.some((key) => keyMatches(key, press)));
    if (binding) return binding;
  }
  return undefined;
}

export function commandFor(press: KeyPress, context: KeyContext = MAIN_SCREEN): Command | undefined {
  return bindingFor(press, context)?.command;
}

/** Whether a key as written in KEY_TABLE is this press. Modified keys (Ctrl, Alt) never match a plain key. */
export function keyMatches(key: string, press: KeyPress): boolean {
  if (key === 'Ctrl-C') return Boolean(press.ctrl) && press.input === 'c';
  // Escape arrives with meta set (ink reports a lone ESC as meta+escape).
  if (key === 'Esc') return Boolean(press.escape) && !press.ctrl;
  if (press.ctrl || press.meta) return false;
  switch (key) {
    case '→':
      return Boolean(press.rightArrow);
    case '←':
      return Boolean(press.leftArrow);
    case '↑':
      return Boolean(press.upArrow);
    case '↓':
      return Boolean(press.downArrow);
    case 'Tab':
      return Boolean(press.tab);
    case 'Enter':
      return Boolean(press.return);
    case 'Space':
      return press.input === ' ';
    case '1-9':
      return /^[1-9]$/.test(press.input);
    default:
      return press.input === key;
  }
}
