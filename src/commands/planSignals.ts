import type { StepEvent } from '../services/runbooks/executePlan.js';
import { formatElapsed } from '../services/runner/formatElapsed.js';
import { maskSecrets } from '../services/runner/secretMasker.js';

/**
 * SIGINT (Ctrl-C), SIGTERM and SIGHUP (the DBA's ssh session to the jump
 * host dropped) while a plan runs. The first SIGINT or SIGTERM during a step
 * that may be stopped half-way (PlanStep.cancellable: a long copy) cancels
 * it: executePlan kills its processes and runs the undo of what was done.
 * Otherwise (a pg_ctl stop or a promotion cut off halfway leaves a state
 * nobody can describe; SIGHUP: nobody asked to throw the work away) the
 * first asks executePlan to stop before the next step, the running one
 * finishing. Each later one only says what is finishing (the step, how long
 * it may take; or the undo). The plan then ends as interrupted or cancelled
 * with the state left and the command that continues, retries or reverses
 * it. Outside a plan the signals keep their default (exit at once: nothing
 * is being changed).
 */
export function watchPlanSignals(command: string, say: (text: string) => void = (text) => process.stderr.write(`${text}\n`)) {
  const controller = new AbortController();
  const cancel = new AbortController();
  let running: StepEvent | undefined;
  let count = 0;
  const tell = (text: string) => say(maskSecrets(`pgcockpit: ${text}`));
  const onSignal = (signal: NodeJS.Signals) => {
    count++;
    // The terminal is gone: writing to it fails with EIO/EPIPE, which must not end the plan mid-step.
    if (signal === 'SIGHUP') for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
    const step = running ? `step ${running.number}/${running.total} (${running.step.description}) on ${running.step.node}` : undefined;
    if (count === 1 && signal !== 'SIGHUP' && running?.step.cancellable && running.undoOf === undefined) {
      cancel.abort(signal);
      tell(`${signal}: cancelling the ${command}: ${step} is stopped half-way (its processes killed), then the undo of what was done runs`);
      return;
    }
    if (cancel.signal.aborted) {
      tell(
        running?.undoOf !== undefined
          ? `${signal} again: undoing (undo ${running.number}/${running.total}: ${running.step.description} on ${running.step.node}); an undo is not stopped half-way, the ${command} ends when the undo does`
          : `${signal} again: the ${command} is being cancelled; the undo of what was done runs next`,
      );
      return;
    }
    if (count === 1) {
      controller.abort(signal);
      tell(
        step
          ? `${signal}: stopping the ${command} after ${step}, which is finishing (${mayTake(running)}); no step after it will start`
          : `${signal}: stopping the ${command} before its next step`,
      );
      return;
    }
    tell(
      step
        ? `${signal} again: still finishing ${step} (${mayTake(running)}); it is not abandoned halfway, the ${command} stops as soon as it ends`
        : `${signal} again: the ${command} is stopping`,
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  return {
    interruption: controller.signal,
    /** Fired by the first SIGINT or SIGTERM during a cancellable step: executePlan's cancel. */
    cancel: cancel.signal,
    onStep: (event: StepEvent) => {
      running = event.phase === 'started' ? event : undefined;
    },
    /** After the plan: back to the default (exit at once), unless a signal came: then later ones only say it is stopping, until the exit. */
    stop: () => {
      if (count > 0) return;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('SIGHUP', onSignal);
    },
  };
}

/** "up to 5 min 30 s": the step's own bound, else the waits and pg_ctl -t timeouts its detail names, one after the other. */
function mayTake(event: StepEvent | undefined): string {
  if (!event) return 'a moment';
  const bounds = [
    ...(event.step.mayTakeMs !== undefined ? [event.step.mayTakeMs] : []),
    ...[...event.step.detail.matchAll(/\bup to (\d+(?:\.\d+)?) s\b/g)].map((match) => Number(match[1]) * 1000),
    ...[...event.step.detail.matchAll(/ -t (\d+)\b/g)].map((match) => Number(match[1]) * 1000),
  ];
  return bounds.length > 0 ? `it may take up to ${formatElapsed(event.step.mayTakeMs ?? bounds.reduce((sum, ms) => sum + ms, 0))}` : 'it ends when its command or statement returns';
}
