import { useApp, useInput } from 'ink';
import { useCallback } from 'react';
import { bindingFor } from '../state/keyTable.js';
import { useCockpitStore } from '../state/storeContext.js';
import { runCommand } from './runCommand.js';

/**
 * The cockpit's one useInput. Each key goes to the first layer of the key
 * table that claims it (an open overlay first, then keys that work anywhere,
 * then the main screen, then the focused pane), so no two handlers ever both
 * act on one key. Reads the store at key time: no stale closures.
 */
export function useKeyRouter({ tooSmall }: { tooSmall: boolean }): void {
  const { exit } = useApp();
  const store = useCockpitStore();
  const onInput = useCallback<Parameters<typeof useInput>[0]>(
    (input, key) => {
      const state = store.getState();
      const binding = bindingFor({ input, ...key }, { overlay: state.overlay, focus: state.focus, tooSmall });
      if (binding) runCommand(binding.command, input, state, () => exit());
    },
    [store, exit, tooSmall],
  );
  useInput(onInput);
}
