import { renderToString, Text } from 'ink';
import type { CockpitStore } from '../state/createCockpitStore.js';
import type { ClockLine, ClockPosition } from '../views/clockLine.js';
import { tickClockText } from '../views/TickClock.js';

/** Ink's synchronized-output brackets (?2026): a frame comes between them, the clock goes in with it. */
const SYNC_MARKS = new Set(['\x1b[?2026h', '\x1b[?2026l']);

export interface RunningClockLine {
  /** What the header's clock slot registers with (ClockLineContext). */
  line: ClockLine;
  /** The terminal for Ink: every frame it writes is followed by the clock, which the frame left blank. */
  stream: NodeJS.WriteStream;
  /** Writes nothing more (before the screen is left). */
  stop(): void;
}

/**
 * Writes the header's clock into its columns by itself: on each tick (the
 * only thing a quiet tick changes on screen, so no frame is composed for it)
 * and right after each frame Ink writes, which has those columns blank. The
 * cursor is saved and restored around it (DECSC/DECRC), so Ink's idea of
 * where its frame ends holds. Positions are from the top of the screen: the
 * cockpit is full screen, its frame starting at the home position.
 */
export function startClockLine(store: CockpitStore, stdout: NodeJS.WriteStream, color: string | undefined): RunningClockLine {
  const style = clockStyle(color);
  let slot: ClockPosition | null = null;
  let stopped = false;
  const write = stdout.write.bind(stdout) as (chunk: string) => boolean;
  const drawClock = () => {
    const at = stopped ? undefined : slot?.();
    if (!at) return;
    write(`\x1b7\x1b[${at.row + 1};${at.column + 1}H${style(tickClockText(store.getState().lastTickAt))}\x1b8`);
  };
  const unsubscribe = store.subscribe((state, previous) => {
    if (state.lastTickAt !== previous.lastTickAt) drawClock();
  });
  const stream = new Proxy(stdout, {
    get(target, property) {
      if (property === 'write') {
        return (...args: Parameters<NodeJS.WriteStream['write']>) => {
          const written = (target.write as (...a: typeof args) => boolean)(...args);
          if (!(typeof args[0] === 'string' && SYNC_MARKS.has(args[0]))) drawClock();
          return written;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    line: {
      place: (next) => {
        slot = next;
        drawClock();
      },
    },
    stream,
    stop: () => {
      stopped = true;
      unsubscribe();
    },
  };
}

/**
 * The colour codes Ink writes around a Text of the header's muted colour (none in the no-colour
 * theme), taken from Ink itself once, before the cockpit renders (a render inside a render is not allowed).
 */
function clockStyle(color: string | undefined): (text: string) => string {
  const marker = '#'; // in no colour code
  const [before = '', after = ''] = renderToString(<Text color={color}>{marker}</Text>).split(marker);
  return (text) => `${before}${text}${after}`;
}
