import { useApp, useInput } from 'ink';
import { useCallback, useState } from 'react';
import type { KeyPress } from '../state/keyTable.js';
import { bindingFor, keyContextOf } from '../state/keyTable.js';
import { useCockpitStore } from '../state/storeContext.js';
import { helpPage, helpTopAfter } from './helpLayout.js';
import { jobBarRows } from './jobBarRows.js';
import { createKeySplitter } from './keyPresses.js';
import { runCommand } from './runCommand.js';
import type { TerminalSize } from './screenLayout.js';
import { bodyHeight } from './screenLayout.js';
import { logPageRows } from './logPageRows.js';
import { scrollWindowOf } from './scrollWindows.js';

/**
 * The cockpit's one useInput. Each key goes to the first layer of the key
 * table that claims it (the "stop the job?" question before everything, then
 * the operation modal, then an open search input, then an open overlay, then the job keys while a job
 * runs, then keys that work anywhere, then the main screen, then the focused
 * pane), so no two handlers ever both act on one key; a key no layer claims
 * does nothing. Text typed into the search, the confirmation or a form is a
 * binding too (`text`, `Backspace`). Keys that arrive in one chunk (`jj`,
 * `2\r` over ssh) are handled one by one, in order, each against the store
 * as the key before left it: no stale closures, no dropped keys.
 */
export function useKeyRouter({ size, tooSmall }: { size: TerminalSize; tooSmall: boolean }): void {
  const { exit } = useApp();
  const store = useCockpitStore();
  // One per cockpit: it remembers whether a bracketed paste is under way.
  const [splitter] = useState(createKeySplitter);
  const onPress = useCallback(
    (press: KeyPress) => {
      // A notice lasts until the next key.
      if (store.getState().notice !== null) store.getState().clearNotice();
      const state = store.getState();
      const binding = bindingFor(press, keyContextOf(state, tooSmall));
      if (!binding) return;
      runCommand(binding.command, press.input, state, {
        quit: () => exit(),
        logPage: logPageRows(size, state),
        scrollWindow: (target) => scrollWindowOf(target, size, state),
        helpTopAfter: (command, top) => {
          // The help overlay covers the body but the job bar (MainScreen).
          const help = helpPage(size.columns, bodyHeight(size.rows) - jobBarRows(state));
          return helpTopAfter(command, top, help.items, help.rows);
        },
      });
    },
    [store, exit, size, tooSmall],
  );
  const onInput = useCallback<Parameters<typeof useInput>[0]>(
    (input, key) => {
      for (const press of splitter.presses(input, key)) onPress(press);
    },
    [onPress, splitter],
  );
  useInput(onInput);
}
