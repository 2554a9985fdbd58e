import type { CockpitState } from '../state/createCockpitStore.js';
import type { Command } from '../state/keyTable.js';

/**
 * What each command does to the store: the only place keys turn into actions.
 * `input` is the key as typed (the digit of selectNodeByNumber).
 */
export function runCommand(command: Command, input: string, state: CockpitState, quit: () => void): void {
  switch (command) {
    case 'nextNode':
      state.moveSelection(1);
      return;
    case 'previousNode':
      state.moveSelection(-1);
      return;
    case 'selectNodeByNumber': {
      const index = Number(input) - 1;
      if (index < state.nodes.length) state.selectNode(index);
      return;
    }
    case 'openDetail':
      if (state.nodes.length > 0) state.openOverlay('detail');
      return;
    case 'cycleFocus':
      state.cycleFocus();
      return;
    case 'closeOverlay':
      state.closeOverlay();
      return;
    case 'togglePause':
      state.togglePause();
      return;
    case 'longerInterval':
      state.stepInterval(1);
      return;
    case 'shorterInterval':
      state.stepInterval(-1);
      return;
    case 'refreshNow':
      state.requestRefresh();
      return;
    case 'toggleHelp':
      if (state.overlay === 'help') state.closeOverlay();
      else state.openOverlay('help');
      return;
    case 'quit':
      quit();
      return;
  }
}
