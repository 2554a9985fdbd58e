import type { DOMElement } from 'ink';
import { Box, Text } from 'ink';
import { useContext, useLayoutEffect, useRef } from 'react';
import { useCockpit } from '../state/storeContext.js';
import type { ClockLine } from './clockLine.js';
import { ClockLineContext } from './clockLine.js';
import { clockTime } from './clockTime.js';
import { screenPosition } from './screenPosition.js';
import { useTheme } from './ThemeContext.js';

/** HH:MM:SS, and what shows before the first tick: the clock's columns either way. */
export const CLOCK_WIDTH = 8;

/** The header's clock: the last tick's time of day, in the frame or written by the clock line. */
export function TickClock() {
  const clockLine = useContext(ClockLineContext);
  return clockLine ? <ClockSlot clockLine={clockLine} /> : <InlineClock />;
}

/** The last tick's time, as the text of an Ink frame. */
function InlineClock() {
  const theme = useTheme();
  const lastTickAt = useCockpit((state) => state.lastTickAt);
  return <Text color={theme.muted}>{tickClockText(lastTickAt)}</Text>;
}

/** Blank columns the clock line writes the time into: nothing here re-renders because the clock moved. */
function ClockSlot({ clockLine }: { clockLine: ClockLine }) {
  const slot = useRef<DOMElement>(null);
  useLayoutEffect(() => {
    clockLine.place(() => screenPosition(slot.current));
    return () => clockLine.place(null);
  }, [clockLine]);
  return <Box ref={slot} width={CLOCK_WIDTH} flexShrink={0} />;
}

export function tickClockText(lastTickAt: number | undefined): string {
  return lastTickAt === undefined ? '--:--:--' : clockTime(lastTickAt);
}
