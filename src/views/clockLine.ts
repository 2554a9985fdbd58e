import { createContext } from 'react';

/** Where the header's clock is on the screen, 0-based; undefined when not laid out. */
export type ClockPosition = () => { row: number; column: number } | undefined;

/**
 * The header's clock written on its own (src/tui/clockLine.ts): every tick
 * changes the clock, and a frame composed by Ink for that alone costs more
 * than the rest of an idle second together. With a clock line the header
 * leaves the clock's columns blank and tells the line where they are; each
 * tick then writes those eight characters and nothing else, and Ink renders
 * only when something else changed.
 */
export interface ClockLine {
  /**
   * The header's clock slot: a function read when the clock is written, so it follows the layout
   * of Ink's last frame; null while no header shows (terminal too small, unmounted).
   */
  place(position: ClockPosition | null): void;
}

/** Absent (tests, anything without a terminal of its own): the header draws the clock in its frame. */
export const ClockLineContext = createContext<ClockLine | null>(null);
