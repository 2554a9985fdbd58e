import { useStdout } from 'ink';
import { useEffect, useState } from 'react';
import type { TerminalSize } from './screenLayout.js';

export type { TerminalSize };

/** The terminal's size, updated on resize (80x24 when stdout is not a terminal). */
export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
