import type { CockpitState } from '../state/createCockpitStore.js';
import { operationModalMode } from '../state/operation.js';
import { editedSearchDraft } from './searchDraft.js';

/**
 * What typeText and deleteTypedText do: edit the one text input open, the
 * parameter form's focused field (Space flips a focused toggle), the typed
 * confirmation, or the log's search. Only one of them hears keys at a time
 * (the key table's form, typeConfirm and search layers), so the store says which.
 */
export function editTypedText(state: CockpitState, input: string, deleting: boolean): void {
  const press = deleting ? { input: '', backspace: true } : { input };
  const mode = operationModalMode(state.operation);
  if (mode === 'form') {
    const form = state.operation?.form;
    const field = form?.spec.fields[form.focus];
    if (field?.kind === 'toggle' && input === ' ' && !deleting) state.changeFormValue(1);
    if (field?.kind === 'text') {
      const text = editedSearchDraft(String(form?.values[field.name] ?? ''), press);
      if (text !== undefined) state.editFormText(text);
    }
    return;
  }
  if (mode === 'typing') {
    const typed = editedSearchDraft(state.operation?.typed ?? '', press);
    if (typed !== undefined) state.typeConfirmation(typed);
    return;
  }
  // The backups picker's delete question, then its filter (each alone hears keys while open).
  if (state.overlay === 'backups' && state.backupDelete) {
    const typed = editedSearchDraft(state.backupDelete.typed, press);
    if (typed !== undefined) state.typeBackupDelete(typed);
    return;
  }
  if (state.overlay === 'backups' && state.backupFilterDraft !== null) {
    const draft = editedSearchDraft(state.backupFilterDraft, press);
    if (draft !== undefined) state.editBackupFilter(draft);
    return;
  }
  if (state.logSearchDraft !== null) {
    const draft = editedSearchDraft(state.logSearchDraft, press);
    if (draft !== undefined) state.editLogSearch(draft);
  }
}
