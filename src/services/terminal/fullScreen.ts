/**
 * The alternate screen buffer: entered before the first frame, left on every
 * way out (normal exit, signal, crash), so the DBA's shell scrollback is
 * untouched and the cursor comes back.
 */
const ENTER = '\x1b[?1049h\x1b[H\x1b[?25l';
const LEAVE = '\x1b[?25h\x1b[?1049l';

export interface FullScreen {
  /** Leaves the alternate screen; idempotent. */
  restore(): void;
}

export function enterFullScreen(stdout: NodeJS.WriteStream = process.stdout, stdin: NodeJS.ReadStream = process.stdin): FullScreen {
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
  const onSignal = (signal: NodeJS.Signals) => {
    restore();
    // 128 + signal number, the shell's convention for "killed by".
    process.exit(128 + (SIGNAL_NUMBERS[signal] ?? 1));
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
