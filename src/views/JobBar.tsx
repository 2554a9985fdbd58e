import { Box, Text } from 'ink';
import { formatElapsed } from '../services/runner/formatElapsed.js';
import { runningOperation } from '../state/operation.js';
import { runningJob, runningJobCount } from '../state/runningJob.js';
import { useCockpit } from '../state/storeContext.js';
import { progressBarText } from './progressBarText.js';
import { progressRateText } from './progressRateText.js';
import { cancelOperationQuestion, jobPlace, stopJobQuestion } from './stopJobQuestion.js';
import { useTheme } from './ThemeContext.js';
import { useNow } from './useNow.js';

/**
 * One line above the log while a job runs: what runs where, its progress bar
 * when its output gives one, how long it has run, "stopping…" once a stop was
 * asked for. In its place, the question before a job is stopped, or the
 * notice the last key left ("a job is running: stop it first").
 */
export function JobBar({ width }: { width: number }) {
  const theme = useTheme();
  const question = useCockpit((state) => {
    if (state.stopJobPrompt === 'operation') {
      const operation = runningOperation(state);
      return operation ? cancelOperationQuestion(operation) : null;
    }
    const job = state.stopJobPrompt === null ? undefined : state.jobs.find((candidate) => candidate.id === state.stopJobPrompt);
    return job ? stopJobQuestion(job) : null;
  });
  const notice = useCockpit((state) => state.notice);
  if (question !== null) {
    return (
      <Box width={width} height={1} flexShrink={0} overflow="hidden">
        <Text wrap="truncate-end" bold inverse color={theme.warning}>
          {' '}
          ■ {question}{' '}
        </Text>
      </Box>
    );
  }
  if (notice !== null) {
    return (
      <Box width={width} height={1} flexShrink={0} overflow="hidden">
        <Text wrap="truncate-end" bold inverse>
          {' '}
          ⚠ {notice}{' '}
        </Text>
      </Box>
    );
  }
  return <RunningJobLine width={width} />;
}

/** A runbook's steps running (failover, switchover): its title, the step it is at, how long it has run. */
function RunningOperationLine({ width }: { width: number }) {
  const theme = useTheme();
  const operation = useCockpit((state) => runningOperation(state));
  const now = useNow(1000);
  if (!operation) return null;
  return (
    <Box width={width} height={1} flexShrink={0} overflow="hidden">
      <Text wrap="truncate-end">
        <Text bold inverse>
          {' '}
          ▶ {operation.kind.toUpperCase()}{' '}
        </Text>{' '}
        <Text bold>{operation.plan?.title ?? `${operation.kind} of ${operation.target}`}</Text>
        {operation.step ? (
          <Text bold>
            {' '}
            · step {operation.step.number}/{operation.step.total}
          </Text>
        ) : null}
        <Text color={theme.muted}> · {formatElapsed(Math.max(0, now - (operation.startedAt ?? now)))} · steps stream into the log</Text>
        {operation.cancelRequested ? (
          <Text bold color={theme.warning}>
            {' '}
            · ■ cancelling: undo runs
          </Text>
        ) : null}
      </Text>
    </Box>
  );
}

function RunningJobLine({ width }: { width: number }) {
  const theme = useTheme();
  const job = useCockpit(runningJob);
  const others = useCockpit((state) => runningJobCount(state) - 1);
  const stopping = useCockpit((state) => {
    const running = runningJob(state);
    return running !== undefined && (state.cancelRequested.includes(running.id) || runningOperation(state)?.cancelRequested === true);
  });
  const now = useNow(1000);
  if (!job) return <RunningOperationLine width={width} />;
  const rate = progressRateText(job, now);
  return (
    <Box width={width} height={1} flexShrink={0} overflow="hidden">
      <Text wrap="truncate-end">
        <Text bold inverse>
          {' '}
          ▶ JOB{' '}
        </Text>{' '}
        <Text bold>{job.title}</Text> on {jobPlace(job)}
        {job.progress === undefined ? null : <Text bold> {progressBarText(job.progress)}</Text>}
        {rate === undefined ? null : <Text> ({rate})</Text>}
        <Text color={theme.muted}> · {formatElapsed(Math.max(0, now - job.startedAt))}</Text>
        {stopping ? (
          <Text bold color={theme.warning}>
            {' '}
            · ■ stopping…
          </Text>
        ) : null}
        {others > 0 ? <Text color={theme.muted}> · +{others} more running</Text> : null}
      </Text>
    </Box>
  );
}
