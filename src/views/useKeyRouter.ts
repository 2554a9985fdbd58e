import { useApp, useInput } from 'ink';
import { useCallback } from 'react';
import { bindingFor, keyContextOf } from '../state/keyTable.js';
import { useCockpitStore } from '../state/storeContext.js';
import { runCommand } from './runCommand.js';
import type { TerminalSize } from './screenLayout.js';
import { jobBarRows } from './jobBarRows.js';
import { logRows } from './screenLayout.js';
import { editedSearchDraft } from './searchDraft.js';

/**
 * The cockpit's one useInput. Each key goes to the first layer of the key
 * table that claims it (the "stop the job?" question before everything, then
 * the operation modal, then an open search input, then an open overlay, then the job keys while a job
 * runs, then keys that work anywhere, then the main screen, then the focused
 * pane), so no two handlers ever both act on one key. What the modal's and the search
 * input's bindings do not claim is typed into them. Reads the store at key time: no stale
 * closures.
 */
export function useKeyRouter({ size, tooSmall }: { size: TerminalSize; tooSmall: boolean }): void {
  const { exit } = useApp();
  const store = useCockpitStore();
  const onInput = useCallback<Parameters<typeof useInput>[0]>(
    (input, key) => {
      // A notice lasts until the next key.
      if (store.getState().notice !== null) store.getState().clearNotice();
      const state = store.getState();
      const press = { input, ...key };
      const context = keyContextOf(state, tooSmall);
      const binding = bindingFor(press, context);
      if (binding) {
        runCommand(binding.command, input, state, { quit: () => exit(), logPage: logRows(size, state.logFullScreen, jobBarRows(state)) });
        return;
      }
      // The form's bindings did not claim it: typed into the focused text field, or Space flips a focused toggle.
      if (context.operation === 'form' && !tooSmall) {
        const form = state.operation?.form;
        const field = form?.spec.fields[form.focus];
        if (field?.kind === 'toggle' && input === ' ' && !key.ctrl && !key.meta) state.changeFormValue(1);
        if (field?.kind === 'text') {
          const text = editedSearchDraft(String(form?.values[field.name] ?? ''), press);
          if (text !== undefined) state.editFormText(text);
        }
        return;
      }
      // The modal's bindings did not claim it: a key typed into the confirmation.
      if (context.operation === 'typing' && !tooSmall) {
        const typed = editedSearchDraft(state.operation?.typed ?? '', press);
        if (typed !== undefined) state.typeConfirmation(typed);
        return;
      }
      // The search input's bindings did not claim it: a key typed into the search (below the minimum size the input is hidden).
      if (state.logSearchDraft !== null && !tooSmall) {
        const draft = editedSearchDraft(state.logSearchDraft, press);
        if (draft !== undefined) state.editLogSearch(draft);
      }
    },
    [store, exit, size, tooSmall],
  );
  useInput(onInput);
}
