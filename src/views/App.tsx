import { MainScreen } from './MainScreen.js';
import { isTooSmall } from './screenLayout.js';
import { TooSmallScreen } from './TooSmallScreen.js';
import { useKeyRouter } from './useKeyRouter.js';
import { useTerminalSize } from './useTerminalSize.js';

/** The cockpit: the main screen, or only "terminal too small" below 80×24. */
export function App() {
  const size = useTerminalSize();
  const tooSmall = isTooSmall(size);
  useKeyRouter({ size, tooSmall });
  return tooSmall ? <TooSmallScreen columns={size.columns} rows={size.rows} /> : <MainScreen size={size} />;
}
