import type { ClientChannel } from 'ssh2';

/**
 * A command started on an exec channel, watched from the very callback that
 * hands the channel over. ssh2 parses every packet of a TCP read in one go:
 * a quick command's output, exit status and close can arrive together with
 * the exec confirmation, before any awaiting code runs, and an 'exit' event
 * nobody listened to is gone. So everything is recorded here, in arrival order.
 */
export interface RemoteExec {
  channel: ClientChannel;
  /** Receives the output in arrival order, first what came before this call. */
  onOutput(listener: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): void;
  /** How the command ended, once the server said (exit-status or exit-signal). */
  exit(): { exitCode: number | null; signal: string | null } | undefined;
  /** Resolves when the channel has closed. */
  closed: Promise<void>;
}

export function watchExec(channel: ClientChannel): RemoteExec {
  const early: Array<['stdout' | 'stderr', Buffer]> = [];
  let listener: ((stream: 'stdout' | 'stderr', chunk: Buffer) => void) | undefined;
  const deliver = (stream: 'stdout' | 'stderr', chunk: Buffer): void => {
    if (listener) listener(stream, chunk);
    else early.push([stream, chunk]);
  };
  channel.on('data', (chunk: Buffer) => deliver('stdout', chunk));
  channel.stderr.on('data', (chunk: Buffer) => deliver('stderr', chunk));
  let exit: { exitCode: number | null; signal: string | null } | undefined;
  channel.once('exit', (code: number | null, signal?: string) => {
    exit = { exitCode: code ?? null, signal: signal ?? null };
  });
  // ssh2 emits 'close' once stdout has ended; stderr is a stream of its own whose last chunks may still be on their way.
  const closed = new Promise<void>((resolve) =>
    channel.once('close', () => {
      if (channel.stderr.readableEnded) {
        resolve();
        return;
      }
      const timer = setTimeout(resolve, 200);
      channel.stderr.once('end', () => {
        clearTimeout(timer);
        resolve();
      });
    }),
  );
  return {
    channel,
    onOutput(next) {
      listener = next;
      for (const [stream, chunk] of early.splice(0)) next(stream, chunk);
    },
    exit: () => exit,
    closed,
  };
}
