import { describe, expect, it } from 'vitest';
import type { Command, KeyContext, KeyPress } from '../../src/state/keyTable.js';
import { activeBindings, activeLayers, bindingFor, commandFor, KEY_TABLE, keyMatches } from '../../src/state/keyTable.js';

/** Every member of the Command union: the compiler rejects a missing or an extra one. */
const ALL_COMMANDS: Record<Command, true> = {
  nextNode: true,
  previousNode: true,
  selectNodeByNumber: true,
  openDetail: true,
  logPageUp: true,
  logPageDown: true,
  logTop: true,
  logFollow: true,
  startLogSearch: true,
  nextLogMatch: true,
  previousLogMatch: true,
  clearLogSearch: true,
  confirmLogSearch: true,
  cancelLogSearch: true,
  cycleFocus: true,
  toggleFullScreenLog: true,
  closeOverlay: true,
  togglePause: true,
  longerInterval: true,
  shorterInterval: true,
  refreshNow: true,
  toggleHelp: true,
  quit: true,
  stopJob: true,
  confirmStopJob: true,
  keepJob: true,
  quitWhileJobRuns: true,
  failover: true,
  switchover: true,
  rebuild: true,
  backup: true,
  restore: true,
  basebackup: true,
  pitr: true,
  archive: true,
  openBackups: true,
  nextBackup: true,
  previousBackup: true,
  openBackupDetail: true,
  startBackupFilter: true,
  confirmBackupFilter: true,
  cancelBackupFilter: true,
  verifyBackup: true,
  showBackupWindows: true,
  deleteBackup: true,
  confirmBackupDelete: true,
  cancelBackupDelete: true,
  backupsBack: true,
  confirmOperation: true,
  fenceFirst: true,
  resumeReplayFirst: true,
  resumeCopy: true,
  promoteCopy: true,
  copyBackTable: true,
  cancelOperation: true,
  nextFormField: true,
  previousFormField: true,
  nextFormValue: true,
  previousFormValue: true,
  submitForm: true,
  typeText: true,
  deleteTypedText: true,
  scrollHelpDown: true,
  scrollHelpUp: true,
  pageHelpDown: true,
  pageHelpUp: true,
  helpTop: true,
  helpBottom: true,
  toggleAlerts: true,
  toggleLogWrap: true,
  scrollDown: true,
  scrollUp: true,
  pageDown: true,
  pageUp: true,
};

/** Every screen the router can be on. */
const CONTEXTS: Record<string, KeyContext> = {
  'nodes focused': { overlay: 'none', focus: 'nodes' },
  'log focused': { overlay: 'none', focus: 'log' },
  'log full screen': { overlay: 'none', focus: 'nodes', logFullScreen: true },
  'typing a search': { overlay: 'none', focus: 'log', searching: true },
  'typing a search, full screen': { overlay: 'none', focus: 'nodes', searching: true, logFullScreen: true },
  'help open': { overlay: 'help', focus: 'nodes' },
  'help over the full-screen log': { overlay: 'help', focus: 'log', logFullScreen: true },
  'detail open': { overlay: 'detail', focus: 'log' },
  'too small': { overlay: 'none', focus: 'nodes', tooSmall: true },
  'too small while typing a search': { overlay: 'none', focus: 'log', tooSmall: true, searching: true },
  'job running, nodes focused': { overlay: 'none', focus: 'nodes', jobRunning: true },
  'job running, log focused': { overlay: 'none', focus: 'log', jobRunning: true },
  'job running, log focused, a search shown': { overlay: 'none', focus: 'log', jobRunning: true, searchShown: true },
  'job running, log full screen': { overlay: 'none', focus: 'nodes', logFullScreen: true, jobRunning: true },
  'job running, typing a search': { overlay: 'none', focus: 'log', searching: true, jobRunning: true },
  'job running, help open': { overlay: 'help', focus: 'log', jobRunning: true },
  'job running, too small': { overlay: 'none', focus: 'log', tooSmall: true, jobRunning: true },
  'asked to stop a job': { overlay: 'none', focus: 'log', jobRunning: true, stopPrompt: true },
  'asked to stop a job, over the help': { overlay: 'help', focus: 'nodes', jobRunning: true, stopPrompt: true },
  'asked to stop a job, too small': { overlay: 'none', focus: 'log', tooSmall: true, jobRunning: true, stopPrompt: true },
  'plan: typing the name': { overlay: 'none', focus: 'nodes', operation: 'typing' },
  'plan: failover refused, switchover offered': { overlay: 'none', focus: 'nodes', operation: 'offer' },
  'plan: planning or refused': { overlay: 'none', focus: 'log', operation: 'info' },
  'plan: typing the name, fence offered': { overlay: 'none', focus: 'nodes', operation: 'typing', fenceOffer: true },
  'plan: failover refused, resuming the paused replay offered': { overlay: 'none', focus: 'nodes', operation: 'info', resumeReplayOffer: true },
  'plan: typing the name, a job running': { overlay: 'none', focus: 'log', jobRunning: true, operation: 'typing' },
  'plan: typing the name, too small': { overlay: 'none', focus: 'nodes', tooSmall: true, operation: 'typing' },
  'operation running, nodes focused': { overlay: 'none', focus: 'nodes', jobRunning: true },
  'plan: a parameter form': { overlay: 'none', focus: 'nodes', operation: 'form' },
  'a PITR copy paused, nodes focused': { overlay: 'none', focus: 'nodes', pausedCopy: true, recoveredCopy: true },
  'a PITR copy paused, log full screen, a job running': { overlay: 'none', focus: 'log', logFullScreen: true, jobRunning: true, pausedCopy: true, recoveredCopy: true },
  'a PITR copy promoted, log focused': { overlay: 'none', focus: 'log', recoveredCopy: true },
  'plan: a parameter form, a job running': { overlay: 'none', focus: 'log', jobRunning: true, operation: 'form' },
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
    case 'PgUp':
      return [{ input: '', pageUp: true }];
    case 'PgDn':
      return [{ input: '', pageDown: true }];
    case 'Home':
      return [{ input: '', home: true }];
    case 'End':
      return [{ input: '', end: true }];
    case 'Tab':
      return [{ input: '', tab: true }];
    case 'Shift-Tab':
      return [{ input: '', tab: true, shift: true }];
    case 'Backspace':
      return [{ input: '', delete: true }, { input: '', backspace: true }];
    case 'text':
      return [{ input: 'x' }, { input: 'Q', shift: true }, { input: 'pg2 ', paste: true }];
    case 'Ctrl-F':
      return [{ input: 'f', ctrl: true }];
    case 'Ctrl-R':
      return [{ input: 'r', ctrl: true }];
    case 'Ctrl-P':
      return [{ input: 'p', ctrl: true }];
    case 'Ctrl-T':
      return [{ input: 't', ctrl: true }];
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
  it("lists every command (with the modal's own), at most once a layer, with keys and a description", () => {
    const table = KEY_TABLE;
    const commands = table.map((binding) => binding.command);
    expect([...new Set(commands)].sort()).toEqual(Object.keys(ALL_COMMANDS).sort());
    const rows = table.map((binding) => `${binding.command} ${binding.when}`);
    expect(new Set(rows).size).toBe(rows.length);
    for (const binding of table) {
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
    it(`means ${binding.command} where it works (${binding.when}) unless a layer before claims it, elsewhere what the binding active there says or nothing`, () => {
      for (const [name, context] of Object.entries(CONTEXTS)) {
        // A key may mean another command on another screen (Enter confirms a search), never one the footer does not list for it.
        const active = activeBindings(context);
        const listed = active.find((candidate) => candidate.keys.includes(key));
        // What no key claims is text where text is typed (q is a letter in the search).
        const typed = active.find((candidate) => candidate.keys.includes('text'));
        if (activeLayers(context)[0] === binding.when) expect(listed?.command, `${name}: first layer`).toBe(binding.command);
        for (const press of pressesFor(key)) {
          const expected = listed?.command ?? (typed && keyMatches('text', press) ? typed.command : undefined);
          expect(commandFor(press, context), `${name}: ${JSON.stringify(press)}`).toBe(expected);
        }
      }
    });
  });
});

describe('routing priorities', () => {
  it('quit, help and poll control work everywhere but in the search input and the stop question', () => {
    for (const [name, context] of Object.entries(CONTEXTS)) {
      const modal = ((context.searching || context.operation) && !context.tooSmall) || context.stopPrompt;
      const typing = activeBindings(context).some((binding) => binding.command === 'typeText');
      for (const key of ['q', '?', ' ', '+', '-', 'R']) {
        const command = bindingFor({ input: key }, context)?.command;
        if (!modal) expect(command, `${name}: ${key}`).toBeDefined();
        else expect(command, `${name}: ${key}`).toBe(typing ? 'typeText' : undefined);
      }
    }
  });

  it('the search input claims every key: letters are text, Esc and Ctrl-C close it, Enter confirms', () => {
    for (const name of ['typing a search', 'typing a search, full screen']) {
      const context = CONTEXTS[name]!;
      expect(activeBindings(context).map((binding) => binding.command).sort()).toEqual(['cancelLogSearch', 'confirmLogSearch', 'deleteTypedText', 'typeText']);
      expect(commandFor({ input: 'c', ctrl: true }, context)).toBe('cancelLogSearch');
      expect(commandFor({ input: '', escape: true, meta: true }, context)).toBe('cancelLogSearch');
      expect(commandFor({ input: '\r', return: true }, context)).toBe('confirmLogSearch');
      for (const key of ['q', 'G', 'n', 'L', '/', '?', ' ']) expect(commandFor({ input: key }, context), key).toBe('typeText');
      expect(commandFor({ input: '', delete: true }, context)).toBe('deleteTypedText');
      expect(commandFor({ input: '', upArrow: true }, context)).toBeUndefined();
    }
  });

  it('the log keys work with the log focused or full screen, the node keys only with the grid shown and focused', () => {
    for (const name of ['log focused', 'log full screen']) {
      const context = CONTEXTS[name]!;
      expect(commandFor({ input: '', pageUp: true }, context)).toBe('logPageUp');
      expect(commandFor({ input: 'G' }, context)).toBe('logFollow');
      expect(commandFor({ input: 'j' }, context)).toBeUndefined();
    }
    expect(commandFor({ input: '', pageUp: true }, CONTEXTS['nodes focused'])).toBeUndefined();
    // Full screen hides the grid: Tab has nothing to move the focus to.
    expect(commandFor({ input: '', tab: true }, CONTEXTS['log full screen'])).toBeUndefined();
    expect(commandFor({ input: 'L' }, CONTEXTS['nodes focused'])).toBe('toggleFullScreenLog');
    expect(commandFor({ input: 'L' }, CONTEXTS['log full screen'])).toBe('toggleFullScreenLog');
  });

  it('an open overlay takes Esc; the node grid does not get Enter, Tab or arrows; the help scrolls with them', () => {
    for (const name of ['help open', 'detail open']) {
      const overlay = CONTEXTS[name]!;
      expect(commandFor({ input: '', escape: true, meta: true }, overlay), name).toBe('closeOverlay');
      expect(commandFor({ input: '\r', return: true }, overlay), name).toBeUndefined();
      expect(commandFor({ input: '', tab: true }, overlay), name).toBeUndefined();
      expect(commandFor({ input: '2' }, overlay), name).toBeUndefined();
    }
    expect(commandFor({ input: '', downArrow: true }, CONTEXTS['detail open'])).not.toBe('nextNode');
    const help = CONTEXTS['help open']!;
    expect(commandFor({ input: '', downArrow: true }, help)).toBe('scrollHelpDown');
    expect(commandFor({ input: 'k' }, help)).toBe('scrollHelpUp');
    expect(commandFor({ input: '', pageDown: true }, help)).toBe('pageHelpDown');
    expect(commandFor({ input: '', pageUp: true }, help)).toBe('pageHelpUp');
    expect(commandFor({ input: '', home: true }, help)).toBe('helpTop');
    expect(commandFor({ input: 'G' }, help)).toBe('helpBottom');
  });

  it('Esc means nothing without an overlay but in the log (where it clears the search)', () => {
    expect(commandFor({ input: '', escape: true, meta: true })).toBeUndefined();
    expect(commandFor({ input: '', escape: true, meta: true }, CONTEXTS['log focused'])).toBe('clearLogSearch');
  });
});

describe('while a job runs', () => {
  const ESC = { input: '', escape: true, meta: true };
  const CTRL_C = { input: 'c', ctrl: true };
  const jobContexts = Object.entries(CONTEXTS).filter(([, context]) => context.jobRunning);

  it('neither q nor Ctrl-C ever quits', () => {
    for (const [name, context] of jobContexts) {
      expect(commandFor({ input: 'q' }, context), name).not.toBe('quit');
      expect(commandFor(CTRL_C, context), name).not.toBe('quit');
      expect(activeBindings(context).map((binding) => binding.command), name).not.toContain('quit');
    }
  });

  it('Ctrl-C asks to stop the job on every screen but the search input (which it closes) and the question (which it answers: keep)', () => {
    for (const name of ['job running, nodes focused', 'job running, log focused', 'job running, log full screen', 'job running, help open', 'job running, too small']) {
      expect(commandFor(CTRL_C, CONTEXTS[name]), name).toBe('stopJob');
    }
    expect(commandFor(CTRL_C, CONTEXTS['job running, typing a search'])).toBe('cancelLogSearch');
    expect(commandFor(CTRL_C, CONTEXTS['asked to stop a job'])).toBe('keepJob');
  });

  it('q says to stop the job first', () => {
    for (const name of ['job running, nodes focused', 'job running, log focused', 'job running, help open', 'job running, too small']) {
      expect(commandFor({ input: 'q' }, CONTEXTS[name]), name).toBe('quitWhileJobRuns');
    }
  });

  it('Esc asks in the job view only, after a highlighted search is cleared, and never over an overlay', () => {
    expect(commandFor(ESC, CONTEXTS['job running, log focused'])).toBe('stopJob');
    expect(commandFor(ESC, CONTEXTS['job running, log full screen'])).toBe('stopJob');
    expect(commandFor(ESC, CONTEXTS['job running, log focused, a search shown'])).toBe('clearLogSearch');
    expect(commandFor(ESC, CONTEXTS['job running, nodes focused'])).toBeUndefined();
    expect(commandFor(ESC, CONTEXTS['job running, help open'])).toBe('closeOverlay');
  });

  it('the question claims every key: y stops, n, Esc and Ctrl-C keep, nothing else does anything', () => {
    for (const name of ['asked to stop a job', 'asked to stop a job, over the help', 'asked to stop a job, too small']) {
      const context = CONTEXTS[name]!;
      expect(activeBindings(context).map((binding) => binding.command), name).toEqual(['confirmStopJob', 'keepJob']);
      expect(commandFor({ input: 'y' }, context)).toBe('confirmStopJob');
      for (const press of [{ input: 'n' }, ESC, CTRL_C]) expect(commandFor(press, context), JSON.stringify(press)).toBe('keepJob');
      for (const key of ['Y', 'q', 'j', '?', ' ', 'G', 'x']) expect(commandFor({ input: key }, context), key).toBeUndefined();
    }
  });

  it('the footer lists each key once, with what it does here: "Esc stop job" in the job view, "Ctrl-C stop job" elsewhere', () => {
    const jobView = activeBindings(CONTEXTS['job running, log focused']!).filter((binding) => binding.command === 'stopJob');
    expect(jobView.map((binding) => binding.keys)).toEqual([['Esc', 'Ctrl-C']]);
    const nodes = activeBindings(CONTEXTS['job running, nodes focused']!).filter((binding) => binding.command === 'stopJob');
    expect(nodes.map((binding) => binding.keys)).toEqual([['Ctrl-C']]);
    // A search to clear takes Esc: the job row keeps only Ctrl-C.
    const searched = activeBindings(CONTEXTS['job running, log focused, a search shown']!);
    expect(searched.filter((binding) => binding.command === 'stopJob').map((binding) => binding.keys)).toEqual([['Ctrl-C']]);
    expect(searched.find((binding) => binding.keys.includes('Esc'))?.command).toBe('clearLogSearch');
  });
});

describe('keyMatches', () => {
  it.each([
    ['0', { input: '0' }],
    ['10 (a paste)', { input: '10' }],
    ['c without Ctrl', { input: 'c' }],
    ['Q (shift)', { input: 'Q' }],
    ['e', { input: 'e' }],
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
    // Only as text, where text is typed.
    expect(KEY_TABLE.some((binding) => binding.keys.some((key) => key !== 'text' && keyMatches(key, press)))).toBe(false);
  });
});

describe('the operation modal', () => {
  const ESC = { input: '', escape: true, meta: true };
  const CTRL_C = { input: 'c', ctrl: true };
  const ENTER = { input: '\r', return: true };

  it('p asks for a failover, s for a switchover, with the node grid focused, not from the log', () => {
    expect(commandFor({ input: 'p' }, CONTEXTS['nodes focused'])).toBe('failover');
    expect(commandFor({ input: 'p' }, CONTEXTS['log focused'])).toBeUndefined();
    expect(commandFor({ input: 's' }, CONTEXTS['nodes focused'])).toBe('switchover');
    expect(commandFor({ input: 's' }, CONTEXTS['log focused'])).toBeUndefined();
  });

  it('claims every key while the name is typed: Enter confirms, Esc and Ctrl-C cancel, letters are text (q too)', () => {
    for (const name of ['plan: typing the name', 'plan: typing the name, a job running']) {
      const context = CONTEXTS[name]!;
      expect(activeBindings(context).map((binding) => binding.command), name).toEqual(expect.arrayContaining(['confirmOperation', 'cancelOperation', 'typeText', 'deleteTypedText']));
      expect(activeBindings(context).map((binding) => binding.command), name).not.toContain('quit');
      expect(commandFor(ENTER, context)).toBe('confirmOperation');
      for (const press of [ESC, CTRL_C]) expect(commandFor(press, context), JSON.stringify(press)).toBe('cancelOperation');
      for (const key of ['q', 'p', 's', 'g', '?', ' ', 'R', 'L', '2']) expect(commandFor({ input: key }, context), key).toBe('typeText');
    }
  });

  it('a refusal by the split-brain guard offers s (switchover); a plain refusal or planning only closes', () => {
    const offer = CONTEXTS['plan: failover refused, switchover offered']!;
    expect(activeBindings(offer).map((binding) => binding.command)).toEqual(expect.arrayContaining(['switchover', 'cancelOperation']));
    expect(activeBindings(offer).map((binding) => binding.command)).not.toContain('confirmOperation');
    expect(commandFor({ input: 's' }, offer)).toBe('switchover');
    expect(commandFor(ENTER, offer)).toBeUndefined();
    const info = CONTEXTS['plan: planning or refused']!;
    expect(activeBindings(info).map((binding) => binding.command)).toContain('cancelOperation');
    expect(activeBindings(info).map((binding) => binding.command)).not.toContain('switchover');
    expect(commandFor({ input: 's' }, info)).toBeUndefined();
  });

  it('the modal offers: Ctrl-F fences first while the name is typed, Ctrl-R resumes the paused replay of a refused failover; each only where offered', () => {
    const CTRL_F: KeyPress = { input: 'f', ctrl: true };
    const CTRL_R: KeyPress = { input: 'r', ctrl: true };
    const fence = CONTEXTS['plan: typing the name, fence offered']!;
    expect(activeBindings(fence).map((binding) => binding.command)).toEqual(expect.arrayContaining(['confirmOperation', 'cancelOperation', 'fenceFirst', 'typeText', 'deleteTypedText']));
    expect(commandFor(CTRL_F, fence)).toBe('fenceFirst');
    expect(commandFor({ input: 'f' }, fence)).toBe('typeText');
    expect(commandFor(CTRL_R, fence)).toBeUndefined();
    const resume = CONTEXTS['plan: failover refused, resuming the paused replay offered']!;
    expect(activeBindings(resume).map((binding) => binding.command)).toEqual(expect.arrayContaining(['cancelOperation', 'resumeReplayFirst']));
    expect(activeBindings(resume).map((binding) => binding.command)).not.toContain('fenceFirst');
    expect(commandFor(CTRL_R, resume)).toBe('resumeReplayFirst');
    expect(commandFor({ input: 'r' }, resume)).toBeUndefined();
    expect(commandFor({ input: 'R' }, resume)).toBeUndefined();
    expect(commandFor(CTRL_F, resume)).toBeUndefined();
    for (const name of ['plan: typing the name', 'plan: planning or refused', 'plan: failover refused, switchover offered', 'nodes focused']) {
      expect(commandFor(CTRL_R, CONTEXTS[name]!), name).toBeUndefined();
      expect(commandFor(CTRL_F, CONTEXTS[name]!), name).toBeUndefined();
    }
  });

  it('a running operation counts as a running job: q and Ctrl-C do not quit', () => {
    const context = CONTEXTS['operation running, nodes focused']!;
    expect(commandFor({ input: 'q' }, context)).toBe('quitWhileJobRuns');
    expect(commandFor(CTRL_C, context)).toBe('stopJob');
  });
});
