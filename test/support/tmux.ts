import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { waitFor } from './waitFor.js';

/** The environment a person's terminal has: Ink renders differently (final frame only) when CI is set. */
function terminalEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && key !== 'CI' && key !== 'FORCE_COLOR') env[key] = value;
  }
  return { ...env, TERM: 'xterm-256color' };
}

/**
 * A program running in its own tmux server (own socket, so parallel tests
 * never meet), driven as a person would: keys in, screen text out.
 */
export class TmuxSession {
  private readonly socket = `pgcockpit-test-${randomBytes(6).toString('hex')}`;

  private tmux(args: string[]) {
    return execa('tmux', ['-L', this.socket, ...args], { env: terminalEnv(), extendEnv: false });
  }

  /** Runs `command` through sh; after it exits the pane shows `EXIT=<code>` and stays open. */
  async start(command: string, size = { columns: 120, rows: 30 }): Promise<void> {
    await this.tmux([
      'new-session', '-d', '-s', 'main', '-x', String(size.columns), '-y', String(size.rows),
      `${command}; echo "EXIT=$?"; sleep 600`,
    ]);
  }

  async screen(): Promise<string> {
    return (await this.tmux(['capture-pane', '-p', '-t', 'main'])).stdout;
  }

  async waitForScreen(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    let last = '';
    try {
      await waitFor(async () => pattern.test((last = await this.screen())), `screen to match ${pattern}`, timeoutMs);
    } catch (error) {
      throw new Error(`${(error as Error).message}; screen:\n${last}`);
    }
    return last;
  }

  /** Keys as tmux names them: 'q', 'C-c', 'Enter', ... */
  async sendKeys(...keys: string[]): Promise<void> {
    await this.tmux(['send-keys', '-t', 'main', ...keys]);
  }

  /** Pastes `text` as a terminal does: bracketed (ESC [200~ … ESC [201~) when the program asked for that, newlines as Enter. */
  async paste(text: string): Promise<void> {
    await this.tmux(['set-buffer', '--', text]);
    await this.tmux(['paste-buffer', '-p', '-t', 'main']);
  }

  /** Is the pane in the alternate screen buffer right now? */
  async alternateScreen(): Promise<boolean> {
    return (await this.tmux(['display-message', '-p', '-t', 'main', '#{alternate_on}'])).stdout.trim() === '1';
  }

  /** The pid of the program started (the child of the pane's shell). */
  async programPid(): Promise<number> {
    const shellPid = (await this.tmux(['display-message', '-p', '-t', 'main', '#{pane_pid}'])).stdout.trim();
    const children = await execa('pgrep', ['-P', shellPid], { reject: false });
    const pid = Number(children.stdout.trim().split('\n')[0]);
    if (!pid) throw new Error(`no program running under pane shell ${shellPid}`);
    return pid;
  }

  async kill(): Promise<void> {
    await this.tmux(['kill-server']).catch(() => undefined);
  }
}
