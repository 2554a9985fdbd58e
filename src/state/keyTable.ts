import type { RunbookKind } from '../services/runbooks/registry.js';
import { RUNBOOKS } from '../services/runbooks/registry.js';
/**
 * Every key the cockpit answers, as data: the input router, the footer and
 * the help overlay all read this one table, so help cannot drift from behaviour.
 */
import type { CockpitState, Focus, Overlay } from './createCockpitStore.js';
import { operationModalMode, operationOffersFence, operationOffersResumeReplay, pausedCopyOffer, recoveredCopyOffer, runningOperation } from './operation.js';
import { runningJob } from './runningJob.js';

export type Command =
  | 'nextNode'
  | 'previousNode'
  | 'selectNodeByNumber'
  | 'openDetail'
  | 'logPageUp'
  | 'logPageDown'
  | 'logTop'
  | 'logFollow'
  | 'startLogSearch'
  | 'nextLogMatch'
  | 'previousLogMatch'
  | 'clearLogSearch'
  | 'confirmLogSearch'
  | 'cancelLogSearch'
  | 'cycleFocus'
  | 'toggleFullScreenLog'
  | 'closeOverlay'
  | 'togglePause'
  | 'longerInterval'
  | 'shorterInterval'
  | 'refreshNow'
  | 'toggleHelp'
  | 'quit'
  | 'stopJob'
  | 'confirmStopJob'
  | 'keepJob'
  | 'quitWhileJobRuns'
  /** One command per runbook (its registry entry's kind): failover, switchover, rebuild. */
  | RunbookKind
  | 'confirmOperation'
  | 'fenceFirst'
  | 'resumeReplayFirst'
  | 'resumeCopy'
  | 'promoteCopy'
  | 'copyBackTable'
  | 'cancelOperation'
  | 'nextFormField'
  | 'previousFormField'
  | 'nextFormValue'
  | 'previousFormValue'
  | 'submitForm'
  | 'typeText'
  | 'deleteTypedText'
  | 'scrollHelpDown'
  | 'scrollHelpUp'
  | 'pageHelpDown'
  | 'pageHelpUp'
  | 'helpTop'
  | 'helpBottom'
  | 'toggleAlerts'
  | 'toggleLogWrap'
  | 'scrollDown'
  | 'scrollUp'
  | 'pageDown'
  | 'pageUp'
  | 'openBackups'
  | 'nextBackup'
  | 'previousBackup'
  | 'openBackupDetail'
  | 'startBackupFilter'
  | 'confirmBackupFilter'
  | 'cancelBackupFilter'
  | 'verifyBackup'
  | 'showBackupWindows'
  | 'deleteBackup'
  | 'confirmBackupDelete'
  | 'cancelBackupDelete'
  | 'backupsBack';

/**
 * Where a key works. The router asks the layers in this order and the first
 * match wins, so an open overlay has first claim on a key:
 * - confirm: the "stop the job?" question is open; it alone hears keys, on
 *   every screen (a stray key must not do something behind the question)
 * - fence: the operation modal asks for the node's name of a failover plan
 *   that offers to fence the old primary first
 * - resume: the operation modal shows a failover refused only because WAL
 *   replay is paused on the target, which offers to resume it first
 * - form: the operation modal shows a runbook's parameter form; what no
 *   binding claims is typed into the focused text field (Space flips a toggle)
 * - typeConfirm: the operation modal asks for the node's name; what no
 *   binding claims is typed into it (so q is a letter there, not quit)
 * - offer: the operation modal shows a failover refused by the split-brain
 *   guard, which offers a switchover instead
 * - modal: the operation modal is open (planning, confirming, refused); with
 *   typeConfirm or offer before it, it alone hears keys
 * - search: the log's search input is open; it alone hears keys, and what no
 *   binding claims is typed into it (so q is a letter there, not quit)
 * - help: the help overlay is open (it scrolls), before `overlay`
 * - overlay: an overlay (help, node detail) is open
 * - job: a job runs and the log has the focus or the whole screen (the job
 *   view); an Esc that has a search to clear clears it first
 * - running: a job runs: on every screen but the search input, before
 *   `always`, so that q and Ctrl-C cannot quit and orphan it
 * - always: on every screen, overlays and the too-small screen included
 * - main: no overlay is open
 * - split: no overlay is open and the node grid and the log both show
 * - log: no overlay is open and the log has the focus or the whole screen
 * - nodes: no overlay is open, the node grid shows and has the focus
 * - backupFilter: the backups picker's filter is being typed; it alone hears keys
 * - backupDelete: the picker asks for a dump's id before deleting it; it alone hears keys
 * - backups: the backups picker is open, before `overlay`
 * - pausedCopy: a PITR ended paused at its target and no modal is open: its
 *   copy may be resumed or promoted (control keys, as the modal's offers)
 * - recoveredCopy: a PITR's copy is up (paused or promoted) and no modal is
 *   open: a table may be copied back from it into production
 */
export type KeyContextName =
  | 'confirm'
  | 'fence'
  | 'resume'
  | 'form'
  | 'typeConfirm'
  | 'offer'
  | 'modal'
  | 'search'
  | 'help'
  | 'overlay'
  | 'job'
  | 'running'
  | 'always'
  | 'main'
  | 'split'
  | 'log'
  | 'nodes'
  | 'backupFilter'
  | 'backupDelete'
  | 'backups'
  | 'pausedCopy'
  | 'recoveredCopy';

/**
 * One row: a command, its keys and where they work. A command may have a row
 * per layer (stopJob: Esc in the job view, Ctrl-C wherever a job runs).
 */
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
  // One key per runbook, from its registry entry.
  ...RUNBOOKS.flatMap((entry): KeyBinding[] =>
    entry.key === undefined ? [] : [{ command: entry.kind, keys: [entry.key], description: entry.keyHelp.description, when: 'nodes', footer: entry.keyHelp.footer }],
  ),
  { command: 'logPageUp', keys: ['PgUp'], description: 'scroll the log a page up (older)', when: 'log', footer: 'older' },
  { command: 'logPageDown', keys: ['PgDn'], description: 'scroll the log a page down (newer)', when: 'log', footer: 'newer' },
  { command: 'logTop', keys: ['g', 'Home'], description: 'go to the oldest line kept', when: 'log', footer: 'top' },
  { command: 'logFollow', keys: ['G', 'End'], description: 'go to the newest line and follow', when: 'log', footer: 'follow' },
  { command: 'startLogSearch', keys: ['/'], description: 'search the log (capitals: exact case)', when: 'log', footer: 'search' },
  { command: 'nextLogMatch', keys: ['n'], description: 'next (older) match, wrapping', when: 'log', footer: 'next' },
  { command: 'previousLogMatch', keys: ['N'], description: 'previous (newer) match, wrapping', when: 'log' },
  { command: 'clearLogSearch', keys: ['Esc'], description: 'clear the search and its highlights', when: 'log' },
  { command: 'confirmLogSearch', keys: ['Enter'], description: 'search: jump to the newest match', when: 'search', footer: 'find' },
  { command: 'cancelLogSearch', keys: ['Esc', 'Ctrl-C'], description: 'close the search input', when: 'search', footer: 'cancel' },
  { command: 'cycleFocus', keys: ['Tab'], description: 'move the focus between nodes and log', when: 'split', footer: 'focus' },
  { command: 'toggleFullScreenLog', keys: ['L'], description: 'full-screen log on or off', when: 'main', footer: 'full log' },
  { command: 'closeOverlay', keys: ['Esc'], description: 'close the overlay', when: 'overlay', footer: 'close' },
  // The backups picker's own keys, before the keys that work anywhere: its footer shows them first.
  { command: 'nextBackup', keys: ['↓', 'j'], description: 'pick the next (older) dump', when: 'backups' },
  { command: 'previousBackup', keys: ['↑', 'k'], description: 'pick the previous (newer) dump', when: 'backups' },
  { command: 'openBackupDetail', keys: ['Enter'], description: "the dump's details: its objects (pg_restore --list), the tables' row estimates", when: 'backups', footer: 'details' },
  { command: 'startBackupFilter', keys: ['/'], description: 'filter the dumps by id, database, node or format', when: 'backups', footer: 'filter' },
  { command: 'verifyBackup', keys: ['v'], description: "verify the dump: sha256 against the catalog, pg_restore --list reads its whole table of contents", when: 'backups', footer: 'verify' },
  { command: 'showBackupWindows', keys: ['w'], description: 'the recoverable windows: each base backup and the archived WAL after it on one time axis (gaps, restore points)', when: 'backups', footer: 'windows' },
  { command: 'restore', keys: ['r'], description: 'restore the dump: a form (target node, new database name, tables), then the plan; on a base backup: the PITR form, recovering from it', when: 'backups', footer: 'restore', pinned: true },
  { command: 'deleteBackup', keys: ['d'], description: 'delete the dump and its catalog entry, after its id is typed', when: 'backups', footer: 'delete' },
  { command: 'backupsBack', keys: ['Esc'], description: 'close the details, else the picker', when: 'backups', footer: 'close', pinned: true },
  { command: 'confirmBackupFilter', keys: ['Enter'], description: 'keep the filter', when: 'backupFilter', footer: 'keep', pinned: true },
  { command: 'cancelBackupFilter', keys: ['Esc', 'Ctrl-C'], description: 'drop the filter being typed', when: 'backupFilter', footer: 'cancel', pinned: true },
  { command: 'typeText', keys: ['text'], description: 'typed into the filter', when: 'backupFilter' },
  { command: 'deleteTypedText', keys: ['Backspace'], description: 'delete the last character typed', when: 'backupFilter' },
  { command: 'confirmBackupDelete', keys: ['Enter'], description: "delete it: only once the dump's id is typed exactly", when: 'backupDelete', footer: 'delete it', pinned: true },
  { command: 'cancelBackupDelete', keys: ['Esc', 'Ctrl-C'], description: 'keep the dump', when: 'backupDelete', footer: 'keep it', pinned: true },
  { command: 'typeText', keys: ['text'], description: "typed into the confirmation: the dump's id", when: 'backupDelete' },
  { command: 'deleteTypedText', keys: ['Backspace'], description: 'delete the last character typed', when: 'backupDelete' },
  { command: 'togglePause', keys: ['Space'], description: 'pause or resume polling', when: 'always', footer: 'pause' },
  { command: 'longerInterval', keys: ['+'], description: 'poll less often (next longer interval)', when: 'always', footer: 'slower' },
  { command: 'shorterInterval', keys: ['-'], description: 'poll more often (next shorter interval)', when: 'always', footer: 'faster' },
  { command: 'refreshNow', keys: ['R'], description: 'poll every node now', when: 'always', footer: 'refresh' },
  { command: 'toggleHelp', keys: ['?'], description: 'show or hide this help', when: 'always', footer: 'help', pinned: true },
  { command: 'quit', keys: ['q', 'Ctrl-C'], description: 'quit (the cluster keeps running)', when: 'always', footer: 'quit', pinned: true },
  { command: 'stopJob', keys: ['Esc', 'Ctrl-C'], description: 'stop the running job (asks first)', when: 'job', footer: 'stop job', pinned: true },
  { command: 'stopJob', keys: ['Ctrl-C'], description: 'stop the running job (asks first); never quits while one runs', when: 'running', footer: 'stop job', pinned: true },
  { command: 'quitWhileJobRuns', keys: ['q'], description: 'does not quit while a job runs: says to stop it first', when: 'running' },
  { command: 'confirmStopJob', keys: ['y'], description: 'stop the job: its process tree, or the remote process', when: 'confirm', footer: 'stop it', pinned: true },
  { command: 'keepJob', keys: ['n', 'Esc', 'Ctrl-C'], description: 'keep the job running', when: 'confirm', footer: 'keep it', pinned: true },
  { command: 'confirmOperation', keys: ['Enter'], description: "run the plan: only once the node's name is typed exactly", when: 'typeConfirm', footer: 'run it', pinned: true },
  { command: 'switchover', keys: ['s'], description: 'switch over instead of the refused failover', when: 'offer', footer: 'switch over', pinned: true },
  { command: 'cancelOperation', keys: ['Esc', 'Ctrl-C'], description: 'cancel: close the plan, nothing is changed', when: 'modal', footer: 'cancel', pinned: true },
  // Offers a plan in the operation modal makes, and its parameter form. Ctrl-F and Ctrl-R are
  // control keys: letters are the typed confirmation.
  { command: 'fenceFirst', keys: ['Ctrl-F'], description: "fence first: stop the old primary's server, then promote", when: 'fence', footer: 'fence first', pinned: true },
  { command: 'resumeReplayFirst', keys: ['Ctrl-R'], description: "resume the target's paused WAL replay first, then promote", when: 'resume', footer: 'resume replay', pinned: true },
  // A PITR copy paused at its target: the same Ctrl-R resumes its replay, which there ends recovery; each shows its plan first.
  { command: 'resumeCopy', keys: ['Ctrl-R'], description: 'resume the PITR copy paused at its target: pg_wal_replay_resume() there ends recovery (writable, new timeline); plan first', when: 'pausedCopy', footer: 'resume copy', pinned: true },
  { command: 'promoteCopy', keys: ['Ctrl-P'], description: 'promote the PITR copy paused at its target: pg_promote() (PostgreSQL 12: a resume, the same end); plan first', when: 'pausedCopy', footer: 'promote copy', pinned: true },
  { command: 'copyBackTable', keys: ['Ctrl-T'], description: "copy a table back from the PITR copy (paused or promoted) into production's primary, where it must not exist: its name, then the plan", when: 'recoveredCopy', footer: 'copy table back', pinned: true },
  { command: 'previousFormField', keys: ['Shift-Tab'], description: 'the previous field of the form', when: 'form', footer: 'previous' },
  { command: 'nextFormField', keys: ['Tab'], description: 'the next field of the form', when: 'form', footer: 'next field' },
  { command: 'nextFormValue', keys: ['→'], description: "the focused choice's next value, or flip the toggle", when: 'form', footer: 'change' },
  { command: 'previousFormValue', keys: ['←'], description: "the focused choice's previous value, or flip the toggle", when: 'form' },
  { command: 'submitForm', keys: ['Enter'], description: 'plan with the values (an invalid one says why in place)', when: 'form', footer: 'plan', pinned: true },
  // What no binding before claims is typed: into the search, the confirmation, a form's text field.
  { command: 'typeText', keys: ['text'], description: 'typed into the search (q, ? and Space are letters here)', when: 'search' },
  { command: 'deleteTypedText', keys: ['Backspace'], description: 'delete the last character typed', when: 'search' },
  { command: 'typeText', keys: ['text'], description: "typed into the confirmation: the node's name", when: 'typeConfirm' },
  { command: 'deleteTypedText', keys: ['Backspace'], description: 'delete the last character typed', when: 'typeConfirm' },
  { command: 'typeText', keys: ['text'], description: 'typed into the focused text field (Space flips a toggle)', when: 'form' },
  { command: 'deleteTypedText', keys: ['Backspace'], description: 'delete the last character typed', when: 'form' },
  // The help overlay scrolls when it does not fit; it moves a whole entry at a time.
  { command: 'scrollHelpDown', keys: ['↓', 'j'], description: 'scroll the help down an entry', when: 'help', footer: 'scroll', pinned: true },
  { command: 'scrollHelpUp', keys: ['↑', 'k'], description: 'scroll the help up an entry', when: 'help' },
  { command: 'pageHelpDown', keys: ['PgDn'], description: 'scroll the help down a page', when: 'help', footer: 'page' },
  { command: 'pageHelpUp', keys: ['PgUp'], description: 'scroll the help up a page', when: 'help' },
  { command: 'helpTop', keys: ['Home', 'g'], description: 'the top of the help', when: 'help' },
  { command: 'helpBottom', keys: ['End', 'G'], description: 'the bottom of the help', when: 'help' },
  // Nothing cut off without a way to read it: the alerts whole, long log lines wrapped, a tall plan scrolled.
  { command: 'toggleAlerts', keys: ['a'], description: 'every alert in full, with its cause and fix (again: close)', when: 'always', footer: 'alerts' },
  { command: 'toggleLogWrap', keys: ['w'], description: 'wrap long log lines onto the next rows, or cut them again (…)', when: 'main', footer: 'wrap' },
  { command: 'scrollDown', keys: ['↓'], description: 'scroll the plan down a line', when: 'modal' },
  { command: 'scrollUp', keys: ['↑'], description: 'scroll the plan up a line', when: 'modal' },
  { command: 'pageDown', keys: ['PgDn'], description: 'scroll the plan down a page', when: 'modal', footer: 'scroll' },
  { command: 'pageUp', keys: ['PgUp'], description: 'scroll the plan up a page', when: 'modal' },
  { command: 'scrollDown', keys: ['↓'], description: 'scroll the alert list or the node detail down a line', when: 'overlay' },
  { command: 'scrollUp', keys: ['↑'], description: 'scroll the alert list or the node detail up a line', when: 'overlay' },
  { command: 'pageDown', keys: ['PgDn'], description: 'scroll the alert list or the node detail down a page', when: 'overlay' },
  { command: 'pageUp', keys: ['PgUp'], description: 'scroll the alert list or the node detail up a page', when: 'overlay' },
  // The backups picker (B): the catalog newest first; its restore key is the restore runbook's.
  { command: 'openBackups', keys: ['B'], description: 'the backups picker: every dump in the catalog, newest first', when: 'main', footer: 'backups' },
];

/** Where a key works, in words: the help overlay's section headings and the README's "where" column. */
export const WHEN_LABEL: Record<KeyContextName, string> = {
  nodes: 'node grid focused',
  log: 'log focused or full screen',
  search: 'typing a search',
  split: 'no overlay open, log not full screen',
  main: 'no overlay open',
  overlay: 'an overlay open',
  help: 'this help',
  always: 'anywhere',
  job: 'a job runs, log focused or full screen',
  running: 'a job runs',
  confirm: 'asked to stop a job',
  typeConfirm: "a plan waiting for the node's name",
  offer: 'a failover refused: the primary is writable',
  modal: 'a form or a plan shown, before it runs',
  fence: 'a failover plan offering to fence the old primary',
  resume: 'a failover refused: WAL replay paused on the target',
  form: "a runbook's parameter form",
  backups: 'the backups picker',
  backupFilter: "typing the backups picker's filter",
  backupDelete: "the picker asking for a dump's id to delete it",
  pausedCopy: 'a PITR copy paused at its target, no plan shown',
  recoveredCopy: 'a PITR copy up (paused or promoted), no plan shown',
};

/** A key press as ink's useInput reports it. */
export interface KeyPress {
  input: string;
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  tab?: boolean;
  shift?: boolean;
  return?: boolean;
  backspace?: boolean;
  delete?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  meta?: boolean;
  /** Text a bracketed paste delivered: only ever typed, never a key's command. */
  paste?: boolean;
}

/** What the router needs to know about the screen to pick a layer. */
export interface KeyContext {
  overlay: Overlay;
  focus: Focus;
  /** The too-small screen: only keys that work anywhere. */
  tooSmall?: boolean;
  /** The log's search input is open. */
  searching?: boolean;
  /** The log takes the whole screen (the node grid is hidden). */
  logFullScreen?: boolean;
  /** A job runs: q and Ctrl-C must not quit, Esc in the log asks to stop it. */
  jobRunning?: boolean;
  /** The "stop the job?" question is open. */
  stopPrompt?: boolean;
  /** A confirmed search is highlighted: Esc in the log clears it before it asks to stop a job. */
  searchShown?: boolean;
  /** The operation modal is open: typing the confirmation, offering a switchover, or only closing. */
  operation?: 'form' | 'typing' | 'offer' | 'info';
  /** The confirmation being typed is for a plan that offers to fence the old primary first (Ctrl-F). */
  fenceOffer?: boolean;
  /** The modal shows a failover refused only because WAL replay is paused on the target (Ctrl-R resumes it first). */
  resumeReplayOffer?: boolean;
  /** The backups picker is open: its list, its filter being typed, or a delete's id being typed. */
  backups?: 'list' | 'filter' | 'delete';
  /** A PITR copy is paused at its target (Ctrl-R resumes it, Ctrl-P promotes it). */
  pausedCopy?: boolean;
  /** A PITR copy is up, paused or promoted (Ctrl-T copies a table back from it). */
  recoveredCopy?: boolean;
}

export const MAIN_SCREEN: KeyContext = { overlay: 'none', focus: 'nodes' };

/** The context the store describes (the too-small screen is the terminal's business, not the store's). */
export function keyContextOf(
  state: Pick<CockpitState, 'overlay' | 'focus' | 'logSearchDraft' | 'logSearchQuery' | 'logFullScreen' | 'jobs' | 'stopJobPrompt' | 'operation'> & Partial<Pick<CockpitState, 'backupFilterDraft' | 'backupDelete' | 'pausedCopy'>>,
  tooSmall = false,
): KeyContext {
  return {
    overlay: state.overlay,
    focus: state.focus,
    tooSmall,
    searching: state.logSearchDraft !== null,
    logFullScreen: state.logFullScreen,
    // A running operation is a job too: quitting would leave it half done.
    jobRunning: runningJob(state) !== undefined || runningOperation(state) !== undefined,
    stopPrompt: state.stopJobPrompt !== null,
    searchShown: state.logSearchQuery !== '',
    operation: operationModalMode(state.operation),
    ...(operationOffersFence(state.operation) ? { fenceOffer: true } : {}),
    ...(operationOffersResumeReplay(state.operation) ? { resumeReplayOffer: true } : {}),
    ...(pausedCopyOffer(state) ? { pausedCopy: true } : {}),
    ...(recoveredCopyOffer(state) ? { recoveredCopy: true } : {}),
    ...(state.overlay === 'backups' ? { backups: state.backupDelete ? 'delete' : state.backupFilterDraft != null ? 'filter' : 'list' } : {}),
  };
}

/** The layers that hear keys in this context, first claim first. */
export function activeLayers(context: KeyContext): KeyContextName[] {
  // The question shows on every screen, the too-small one included.
  if (context.stopPrompt) return ['confirm'];
  // The modal has every key (below the minimum size it is hidden, like the search input, and q quits).
  if (context.operation && !context.tooSmall) {
    if (context.operation === 'form') return ['form', 'modal'];
    if (context.operation === 'typing') return context.fenceOffer ? ['fence', 'typeConfirm', 'modal'] : ['typeConfirm', 'modal'];
    const offers: KeyContextName[] = [...(context.fenceOffer ? (['fence'] as const) : []), ...(context.resumeReplayOffer ? (['resume'] as const) : [])];
    if (context.operation === 'offer') return [...offers, 'offer', 'modal'];
    return [...offers, 'modal'];
  }
  const running: KeyContextName[] = context.jobRunning ? ['running'] : [];
  if (context.backups === 'filter' && !context.tooSmall) return ['backupFilter'];
  if (context.backups === 'delete' && !context.tooSmall) return ['backupDelete'];
  if (context.overlay !== 'none') return [...(context.overlay === 'help' ? (['help'] as const) : context.overlay === 'backups' ? (['backups'] as const) : []), 'overlay', ...running, 'always'];
  // Below the minimum size nothing but the message shows, an open search input included.
  if (context.tooSmall) return [...running, 'always'];
  if (context.searching) return ['search'];
  const panes: KeyContextName[] = [...(context.logFullScreen ? (['main', 'log'] as const) : context.focus === 'nodes' ? (['main', 'split', 'nodes'] as const) : (['main', 'split', 'log'] as const)), ...(context.pausedCopy ? (['pausedCopy'] as const) : []), ...(context.recoveredCopy ? (['recoveredCopy'] as const) : [])];
  if (!context.jobRunning || !panes.includes('log')) return [...running, 'always', ...panes];
  // Esc backs out one step at a time: a highlighted search goes before the job.
  return context.searchShown ? ['running', 'always', ...panes, 'job'] : ['job', 'running', 'always', ...panes];
}

/**
 * The bindings that work in this context, in table order, each with only the
 * keys it gets here: a key a layer before it claims is not its own (q quits
 * unless a job runs), and a binding left with none is not listed. The footer
 * and the router so always agree.
 */
export function activeBindings(context: KeyContext): KeyBinding[] {
  const claimed = new Map<KeyBinding, readonly string[]>();
  const taken = new Set<string>();
  for (const layer of activeLayers(context)) {
    const bindings = KEY_TABLE.filter((candidate) => candidate.when === layer);
    for (const binding of bindings) claimed.set(binding, binding.keys.filter((key) => !taken.has(key)));
    for (const binding of bindings) for (const key of binding.keys) taken.add(key);
  }
  return KEY_TABLE.flatMap((binding) => {
    const keys = claimed.get(binding);
    if (!keys || keys.length === 0) return [];
    return [keys.length === binding.keys.length ? binding : { ...binding, keys }];
  });
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
  if (key === 'text') return isTypedText(press);
  if (press.paste) return false;
  // Most terminals send DEL for Backspace (ink calls it delete), some BS.
  if (key === 'Backspace') return Boolean(press.backspace || press.delete);
  if (key === 'Ctrl-C') return Boolean(press.ctrl) && press.input === 'c';
  if (key === 'Ctrl-F') return Boolean(press.ctrl) && press.input === 'f';
  if (key === 'Ctrl-R') return Boolean(press.ctrl) && press.input === 'r';
  if (key === 'Ctrl-P') return Boolean(press.ctrl) && press.input === 'p';
  if (key === 'Ctrl-T') return Boolean(press.ctrl) && press.input === 't';
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
    case 'PgUp':
      return Boolean(press.pageUp);
    case 'PgDn':
      return Boolean(press.pageDown);
    case 'Home':
      return Boolean(press.home);
    case 'End':
      return Boolean(press.end);
    case 'Tab':
      // Shift-Tab is its own key (the form's previous field), not Tab.
      return Boolean(press.tab) && !press.shift;
    case 'Shift-Tab':
      return Boolean(press.tab) && Boolean(press.shift);
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

/** A printable key (a letter, a digit, Space) or pasted text: what the search, the confirmation and a form's text field take. */
function isTypedText(press: KeyPress): boolean {
  if (press.paste) return true;
  if (press.ctrl || press.meta || press.return || press.tab || press.escape || press.backspace || press.delete) return false;
  return press.input.replace(/[\u0000-\u001f\u007f-\u009f]/g, '') !== '';
}
