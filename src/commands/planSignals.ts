import type { StepEvent } from '../services/runbooks/executePlan.js';
import { formatElapsed } from '../services/runner/formatElapsed.js';
import { maskSecrets } from '../services/runner/secretMasker.js';

/**
 * SIGINT (Ctrl-C), SIGTERM and SIGHUP (the DBA's ssh session to the jump
 * host dropped) while a plan runs: the first asks executePlan
 * to stop before the next step, the running one finishing (a pg_ctl stop or
 * a promotion cut off halfway leaves a state nobody can describe); each
 * later one only says which step is finishing and how long it may take. The
 * plan then ends as interrupted (exit 1) with the state left and the command
 * that completes or reverses it. Outside a plan the signals keep their
 * default (exit at once: nothing is being changed).
 */
export function watchPlanSignals(command: string, say: (text: string) => void = (text) => process.stderr.write(`${text}\n`)) {
  const controller = new AbortController();
  let running: StepEvent | undefined;
  let count = 0;
  const tell = (text: string) => say(maskSecrets(`pgcockpit: ${text}`));
  const onSignal = (signal: NodeJS.Signals) => {
    count++;
    // The terminal is gone: writing to it fails with EIO/EPIPE, which must not end the plan mid-step.
    if (signal === 'SIGHUP') for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
    const step = running ? `step ${running.number}/${running.total} (${running.step.description}) on ${running.step.node}` : undefined;
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
