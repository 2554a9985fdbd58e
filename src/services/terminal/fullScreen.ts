/**
 * The alternate screen buffer: entered before the first frame, left on every
 * way out (normal exit, signal, crash), so the DBA's shell scrollback is
 * untouched and the cursor comes back.
 */
// Bracketed paste (?2004) on while the cockpit runs: a paste arrives marked, and is typed as text,
// never read as keys (a pasted "pg2\n" must not confirm a failover; see src/views/keyPresses.ts).
const ENTER = '\x1b[?1049h\x1b[H\x1b[?25l\x1b[?2004h';
const LEAVE = '\x1b[?2004l\x1b[?25h\x1b[?1049l';

export interface FullScreen {
  /** Leaves the alternate screen; idempotent. */
  restore(): void;
}

export interface FullScreenOptions {
  /**
   * Called on SIGINT/SIGTERM/SIGHUP after the screen is restored, before the
   * process exits: work that must not be cut off (a runbook step) finishes
   * here; what it resolves with is printed on stderr.
   */
  beforeSignalExit?: (signal: NodeJS.Signals) => Promise<string | undefined>;
}

export function enterFullScreen(stdout: NodeJS.WriteStream = process.stdout, stdin: NodeJS.ReadStream = process.stdin, options: FullScreenOptions = {}): FullScreen {
  let active = true;
  const restore = () => {
    if (!active) return;
    active = false;
    if (stdin.isTTY) {
      try {
        stdin.setRawMode(false);
      } catch {
        // stdin already closed: nothing to restore
      }
    }
    stdout.write(LEAVE);
    process.off('exit', restore);
    for (const signal of SIGNALS) process.off(signal, onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  };
  let exiting = false;
  const onSignal = (signal: NodeJS.Signals) => {
    // A second signal while the last step finishes must not cut it off: the first one is being honoured.
    if (exiting) return;
    exiting = true;
    // The terminal may be gone (SIGHUP): a failed write must not end what still runs.
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
    restore();
    // Keep listening (restore stopped it), so that later signals are swallowed, not default-handled, which would kill the process.
    for (const other of SIGNALS) if (!process.listeners(other).includes(onSignal)) process.on(other, onSignal);
    // 128 + signal number, the shell's convention for "killed by".
    const code = 128 + (SIGNAL_NUMBERS[signal] ?? 1);
    const finish = options.beforeSignalExit?.(signal);
    if (!finish) process.exit(code);
    void finish
      .then((said) => {
        if (said) process.stderr.write(`pgcockpit: ${said}\n`);
      })
      .catch(() => undefined)
      .finally(() => process.exit(code));
  };
  const onCrash = (error: unknown) => {
    restore();
    process.stderr.write(`pgcockpit crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(70);
  };
  stdout.write(ENTER);
  process.on('exit', restore);
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  return { restore };
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
