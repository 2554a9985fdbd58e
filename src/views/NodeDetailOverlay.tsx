import { Box, Text } from 'ink';
import { describeServerLog } from '../services/postgres/serverLogPlace.js';
import { useCockpit } from '../state/storeContext.js';
import { DownLines } from './DownLines.js';
import { ReplicaTable } from './ReplicaTable.js';
import { RoleBadge } from './RoleBadge.js';
import { ServerSummary } from './ServerSummary.js';
import { LongSettings, longSettingNames, SettingsList } from './SettingsList.js';
import { SlotTable } from './SlotTable.js';
import { useTheme } from './ThemeContext.js';

/** Wide enough to give the settings a column of their own. */
const SIDE_BY_SIDE_WIDTH = 140;
const SETTINGS_COLUMN = 46;

/** The selected node in full: every replica, every slot, and the settings that matter. */
export function NodeDetailOverlay({ width, height }: { width: number; height: number }) {
  const theme = useTheme();
  const index = useCockpit((state) => state.selectedNode);
  const node = useCockpit((state) => state.nodes[state.selectedNode]);
  const link = useCockpit((state) => state.links.find((candidate) => candidate.standby === state.nodes[state.selectedNode]?.name));
  const now = useCockpit((state) => state.lastTickAt);
  const inner = width - 4;
  const sideBySide = width >= SIDE_BY_SIDE_WIDTH;
  const server = node?.server;
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="double" borderColor={theme.selectedBorder} paddingX={1} overflow="hidden">
      <Box justifyContent="space-between" flexShrink={0}>
        <Text bold>
          {node ? `${index + 1} ${node.name} · ` : 'no node · '}
          {node ? <RoleBadge node={node} /> : null} · detail
        </Text>
        <Text color={theme.muted}>Esc closes</Text>
      </Box>
      {server && describeServerLog(server.settings) ? <Text wrap="truncate-middle">server log {describeServerLog(server.settings)}</Text> : null}
      {!node ? null : !server ? (
        node.status === 'down' ? (
          <DownLines node={node} now={now} />
        ) : (
          <Text color={theme.muted}>connecting… (no server facts yet)</Text>
        )
      ) : sideBySide ? (
        <Box flexDirection="column" flexShrink={0}>
          <Box flexShrink={0}>
            <Box flexDirection="column" width={inner - SETTINGS_COLUMN - 2} marginRight={2} overflow="hidden">
              <ServerSummary node={node} server={server} link={link} now={now} />
              <ReplicaTable replicas={server.replicas} />
              <SlotTable slots={server.slots} />
            </Box>
            <SettingsList settings={server.settings} itemWidth={SETTINGS_COLUMN} width={SETTINGS_COLUMN} shortOnly />
          </Box>
          {/* A value too long for the settings column (archive_command) gets the whole width, under both columns. */}
          <LongSettings settings={server.settings} names={longSettingNames(server.settings, SETTINGS_COLUMN)} width={inner} />
        </Box>
      ) : (
        <Box flexDirection="column" flexShrink={0}>
          <ServerSummary node={node} server={server} link={link} now={now} />
          <Box marginBottom={1}>
            <SettingsList settings={server.settings} itemWidth={Math.floor(inner / 2)} width={inner} />
          </Box>
          <ReplicaTable replicas={server.replicas} />
          <SlotTable slots={server.slots} />
        </Box>
      )}
    </Box>
  );
}
