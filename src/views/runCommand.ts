import type { CockpitState } from '../state/createCockpitStore.js';
import type { Command } from '../state/keyTable.js';
import { runningJob } from '../state/runningJob.js';
import { findLogMatch } from './logSearch.js';

/** What q says while a job runs. */
export const JOB_RUNNING_NOTICE = 'a job is running: stop it first (Esc in the log, or Ctrl-C), then quit';

/** What a command needs beyond the store: leaving the app, and the screen's geometry. */
export interface CommandScreen {
  quit(): void;
  /** Log lines a page scroll moves (the rows the log shows now). */
  logPage: number;
}

/**
 * What each command does to the store: the only place keys turn into actions.
 * `input` is the key as typed (the digit of selectNodeByNumber).
 */
export function runCommand(command: Command, input: string, state: CockpitState, screen: CommandScreen): void {
  const page = screen.logPage;
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
    case 'logPageUp':
      state.scrollLog(-page, page);
      return;
    case 'logPageDown':
      state.scrollLog(page, page);
      return;
    case 'logTop':
      state.scrollLogToTop(page);
      return;
    case 'logFollow':
      state.followLog();
      return;
    case 'startLogSearch':
      state.startLogSearch();
      return;
    case 'confirmLogSearch': {
      const query = state.logSearchDraft ?? '';
      if (query === '') {
        state.cancelLogSearch();
        return;
      }
      const match = findLogMatch(state.log, state.logAppended, query, state.logAppended, -1);
      state.confirmLogSearch(query, match);
      if (match !== null) state.showLogLine(match, page);
      return;
    }
    case 'nextLogMatch':
    case 'previousLogMatch': {
      if (state.logSearchQuery === '') return;
      const from = state.logSearchMatch ?? state.logViewEnd ?? state.logAppended;
      const match = findLogMatch(state.log, state.logAppended, state.logSearchQuery, from, command === 'nextLogMatch' ? -1 : 1);
      state.setLogSearchMatch(match);
      if (match !== null) state.showLogLine(match, page);
      return;
    }
    case 'clearLogSearch':
      state.clearLogSearch();
      return;
    case 'cancelLogSearch':
      state.cancelLogSearch();
      return;
    case 'cycleFocus':
      state.cycleFocus();
      return;
    case 'toggleFullScreenLog':
      state.toggleLogFullScreen();
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
      screen.quit();
      return;
    case 'stopJob': {
      const job = runningJob(state);
      if (job) state.askStopJob(job.id);
      return;
    }
    case 'confirmStopJob':
      if (state.stopJobPrompt !== null) state.requestJobCancel(state.stopJobPrompt);
      state.dismissStopJob();
      return;
    case 'keepJob':
      state.dismissStopJob();
      return;
    case 'quitWhileJobRuns':
      // Quitting would leave the job's processes running with nobody watching them.
      state.showNotice(JOB_RUNNING_NOTICE);
      return;
  }
}
