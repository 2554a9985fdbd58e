import { Box, Text } from 'ink';
import { activeBindings } from '../state/keyTable.js';
import { operationModalMode, operationOffersFence, operationOffersResumeReplay, runningOperation } from '../state/operation.js';
import { runningJob } from '../state/runningJob.js';
import { useCockpit } from '../state/storeContext.js';
import { footerBindings, HINT_GAP } from './footerBindings.js';
import { useTheme } from './ThemeContext.js';

/** Key hints for what works right now, from the same table the input router reads. */
export function KeyFooter({ width }: { width: number }) {
  const theme = useTheme();
  const overlay = useCockpit((state) => state.overlay);
  const focus = useCockpit((state) => state.focus);
  const searching = useCockpit((state) => state.logSearchDraft !== null);
  const logFullScreen = useCockpit((state) => state.logFullScreen);
  const jobRunning = useCockpit((state) => runningJob(state) !== undefined || runningOperation(state) !== undefined);
  const operation = useCockpit((state) => operationModalMode(state.operation));
  const stopPrompt = useCockpit((state) => state.stopJobPrompt !== null);
  const searchShown = useCockpit((state) => state.logSearchQuery !== '');
  // The modal's offers (Ctrl-F fence, Ctrl-R resume replay) are keys that work: the footer names them as the router hears them.
  const fenceOffer = useCockpit((state) => operationOffersFence(state.operation));
  const resumeReplayOffer = useCockpit((state) => operationOffersResumeReplay(state.operation));
  const hints = footerBindings(
    activeBindings({ overlay, focus, searching, logFullScreen, jobRunning, stopPrompt, searchShown, operation, fenceOffer, resumeReplayOffer }),
    width - 2,
  );
  return (
    <Box paddingX={1} gap={HINT_GAP} width={width} height={1} flexShrink={0} overflow="hidden">
      {hints.map((binding) => (
        <Text key={`${binding.command}:${binding.when}`} wrap="truncate-end">
          <Text bold inverse>
            {' '}
            {binding.keys[0]}{' '}
          </Text>{' '}
          <Text color={theme.muted}>{binding.footer}</Text>
        </Text>
      ))}
    </Box>
  );
}
