import type { CockpitState } from '../state/createCockpitStore.js';
import type { Command } from '../state/keyTable.js';
import { operationModalMode, operationOffersFence, operationOffersResumeReplay, pausedCopyOffer, recoveredCopyOffer, runningOperation } from '../state/operation.js';
import { runningJob } from '../state/runningJob.js';
import { findLogMatch } from './logSearch.js';
import { cancellableStep } from './stopJobQuestion.js';
import type { ModalWindow } from './operationModalRows.js';
import { scrolledTop } from './operationModalRows.js';
import type { ScrollTarget } from './scrollWindows.js';
import type { HelpScrollCommand } from './helpLayout.js';
import { editTypedText } from './typedText.js';
import { selectedBackup } from '../state/slices/backups.js';
import { archiveTargetOf } from '../state/archiveTargetOf.js';


/** What q says while a job runs. */
export const JOB_RUNNING_NOTICE = 'a job is running: stop it first (Esc in the log, or Ctrl-C), then quit';

/** What q, Esc and Ctrl-C say while a runbook's steps run: stopping one half-way could leave two primaries or none. */
export function operationRunningNotice(operation: { kind: string; target: string }): string {
  return `${operation.kind} of ${operation.target} is running: it is not stopped half-way; wait for it to finish (each step has a timeout)`;
}

/** What Esc and Ctrl-C say once a cancel was asked for: the step is being stopped, then its undo runs; neither is stopped again. */
export function operationCancellingNotice(operation: { kind: string; target: string }): string {
  return `${operation.kind} of ${operation.target} is being cancelled: its running step is stopped, then the undo of what was done runs; wait for it`;
}

/** What a command needs beyond the store: leaving the app, and the screen's geometry. */
export interface CommandScreen {
  quit(): void;
  /** Log lines a page scroll moves (the rows the log shows now). */
  logPage: number;
  /** The help overlay's first entry after a scroll key (the help's layout knows its pages); absent: it stays. */
  helpTopAfter?(command: HelpScrollCommand, top: number): number;
  /** Where the plan's or the alert list's view is and how far it may scroll (their layout knows); absent: they stay. */
  scrollWindow?(target: ScrollTarget): Pick<ModalWindow, 'top' | 'maxTop' | 'page'>;
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
      const operation = runningOperation(state);
      // A runbook's step runs its commands as jobs: a cancellable step is cancelled as a whole (its undo runs),
      // after a question; a step that must not be stopped half-way (a promotion) is not, and says so.
      if (operation && cancellableStep(operation)) state.askStopJob('operation');
      else if (operation?.cancelRequested) state.showNotice(operationCancellingNotice(operation));
      else if (operation) state.showNotice(operationRunningNotice(operation));
      else if (job) state.askStopJob(job.id);
      return;
    }
    case 'confirmStopJob':
      if (state.stopJobPrompt === 'operation') state.requestOperationCancel();
      else if (state.stopJobPrompt !== null) state.requestJobCancel(state.stopJobPrompt);
      state.dismissStopJob();
      return;
    case 'keepJob':
      state.dismissStopJob();
      return;
    case 'quitWhileJobRuns':
      // Quitting would leave the job's processes running with nobody watching them.
      if (!runningJob(state) && runningOperation(state)) state.showNotice(operationRunningNotice(runningOperation(state)!));
      else state.showNotice(JOB_RUNNING_NOTICE);
      return;
    case 'failover':
    case 'switchover':
    case 'rebuild':
    case 'backup':
    case 'basebackup': {
      // From a refused failover's modal (s: switch over instead), to the node it was about.
      const fromModal = state.operation && operationModalMode(state.operation) === 'offer';
      const target = fromModal ? state.operation!.target : state.nodes[state.selectedNode]?.name;
      if (target) state.requestOperation(command, target);
      return;
    }
    case 'restore': {
      // From the backups picker: the restore runbook's form for the dump picked (its target is the dump's id).
      const entry = state.backupDetail ? state.backupEntries?.find((candidate) => candidate.id === state.backupDetail!.backupId) : selectedBackup(state);
      // A base backup is not restored as a dump: r opens the PITR form for it (side by side, to a target).
      if (entry?.kind === 'basebackup') state.requestOperation('pitr', entry.id);
      else if (entry) state.requestOperation('restore', entry.id);
      return;
    }
    case 'archive': {
      // A: the primary's archive (the selected node when it is the primary), as archive setup picks it.
      const target = archiveTargetOf(state.nodes, state.selectedNode);
      if (target) state.requestOperation('archive', target);
      return;
    }
    case 'pitr':
      // t: point-in-time recovery side by side, its form first; the backup is the newest that reaches the target (--backup auto).
      state.requestOperation('pitr', 'auto');
      return;
    case 'openBackups':
      state.openBackups();
      return;
    case 'nextBackup':
    case 'previousBackup':
      state.moveBackupSelection(command === 'nextBackup' ? 1 : -1);
      return;
    case 'openBackupDetail':
      state.openBackupDetail();
      return;
    case 'startBackupFilter':
      state.startBackupFilter();
      return;
    case 'confirmBackupFilter':
    case 'cancelBackupFilter':
      state.endBackupFilter(command === 'confirmBackupFilter');
      return;
    case 'showBackupWindows':
      state.showBackupWindows();
      return;
    case 'verifyBackup':
      state.verifySelectedBackup();
      return;
    case 'deleteBackup':
      state.askDeleteBackup();
      return;
    case 'confirmBackupDelete':
      // Only the id typed exactly deletes (the store checks); anything else leaves the question open.
      state.confirmBackupDelete();
      return;
    case 'cancelBackupDelete':
      state.cancelBackupDelete();
      return;
    case 'backupsBack':
      state.backupsBack();
      return;
    case 'fenceFirst':
      // The same failover planned again with the fence chosen (the plan offered it).
      if (operationOffersFence(state.operation)) state.replanOperation({ fence: true });
      return;
    case 'resumeReplayFirst':
      // The same failover planned again with resuming the paused replay chosen (the refusal offered it).
      if (operationOffersResumeReplay(state.operation)) state.replanOperation({ resumeReplay: true });
      return;
    case 'resumeCopy':
    case 'promoteCopy':
      // The PITR copy paused at its target: its resume or promotion planned, then confirmed in the modal like any plan.
      if (pausedCopyOffer(state)) state.requestCopyFollowUp(command === 'resumeCopy' ? 'resume' : 'promote');
      return;
    case 'copyBackTable':
      // A table from the PITR copy (paused or promoted) back into production: its form, then its plan, confirmed like any.
      if (recoveredCopyOffer(state)) state.requestCopyBack();
      return;
    case 'confirmOperation':
      // Only an exact match starts it (the store checks again); anything else leaves the modal as it is.
      state.confirmOperation();
      return;
    case 'cancelOperation':
      state.cancelOperation();
      return;
    case 'nextFormField':
      state.moveFormFocus(1);
      return;
    case 'previousFormField':
      state.moveFormFocus(-1);
      return;
    case 'nextFormValue':
      state.changeFormValue(1);
      return;
    case 'previousFormValue':
      state.changeFormValue(-1);
      return;
    case 'submitForm':
      // Planning starts only when every field is valid (the store checks); otherwise the refusal shows under the field.
      state.submitForm();
      return;
    case 'toggleAlerts':
      if (state.overlay === 'alerts') state.closeOverlay();
      else state.openOverlay('alerts');
      return;
    case 'toggleLogWrap':
      state.toggleLogWrap();
      return;
    case 'scrollDown':
    case 'scrollUp':
    case 'pageDown':
    case 'pageUp': {
      // The modal's plan when a plan is shown (it covers everything), else the alert list or the node detail when open.
      const target = state.operation && operationModalMode(state.operation) ? 'modal' : state.overlay === 'alerts' || state.overlay === 'detail' ? state.overlay : undefined;
      const window = target ? screen.scrollWindow?.(target) : undefined;
      if (!target || !window) return;
      if (target === 'modal') state.setModalTop(state.operation!.id, scrolledTop(command, window));
      else if (target === 'alerts') state.setAlertsTop(scrolledTop(command, window));
      else state.setDetailTop(scrolledTop(command, window));
      return;
    }
    case 'typeText':
    case 'deleteTypedText':
      editTypedText(state, input, command === 'deleteTypedText');
      return;
    case 'scrollHelpDown':
    case 'scrollHelpUp':
    case 'pageHelpDown':
    case 'pageHelpUp':
    case 'helpTop':
    case 'helpBottom':
      state.setHelpTop(screen.helpTopAfter?.(command, state.helpTop) ?? state.helpTop);
      return;
  }
}
