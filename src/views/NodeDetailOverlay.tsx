import type { DOMElement } from 'ink';
import { Box, measureElement, Text } from 'ink';
import { useEffect, useRef } from 'react';
import { describeServerLog } from '../services/postgres/serverLogPlace.js';
import { useCockpit } from '../state/storeContext.js';
import { DownLines } from './DownLines.js';
import { ReplicaTable } from './ReplicaTable.js';
import { RoleBadge } from './RoleBadge.js';
import { ServerSummary } from './ServerSummary.js';
import { LongSettings, longSettingNames, SettingsList } from './SettingsList.js';
import { detailWindow } from './scrollWindows.js';
import { SlotTable } from './SlotTable.js';
import { useTheme } from './ThemeContext.js';

/** Wide enough to give the settings a column of their own. */
const SIDE_BY_SIDE_WIDTH = 140;
const SETTINGS_COLUMN = 46;

/**
 * The selected node in full: every replica, every slot, and the settings that
 * matter. More than fits scrolls (↑/↓, PgUp/PgDn), a line under it saying
 * where the view is.
 */
export function NodeDetailOverlay({ width, height }: { width: number; height: number }) {
  const theme = useTheme();
  const index = useCockpit((state) => state.selectedNode);
  const node = useCockpit((state) => state.nodes[state.selectedNode]);
  const link = useCockpit((state) => state.links.find((candidate) => candidate.standby === state.nodes[state.selectedNode]?.name));
  const now = useCockpit((state) => state.lastTickAt);
  const inner = width - 4;
  const sideBySide = width >= SIDE_BY_SIDE_WIDTH;
  const server = node?.server;
  const top = useCockpit((state) => state.detailTop);
  const size = useCockpit((state) => state.detailSize);
  const setDetailSize = useCockpit((state) => state.setDetailSize);
  const viewport = useRef<DOMElement>(null);
  const content = useRef<DOMElement>(null);
  // After each render: how tall the content is and how much of it shows, for the scroll keys and the line under it.
  useEffect(() => {
    if (viewport.current && content.current) setDetailSize(measureElement(content.current).height, measureElement(viewport.current).height);
  });
  const view = detailWindow(size, top);
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
      {/* The content at its natural height, moved up by the scroll inside a viewport that takes the rest. */}
      <Box ref={viewport} flexDirection="column" flexGrow={1} flexShrink={1} overflow="hidden">
        <Box ref={content} flexDirection="column" flexShrink={0} marginTop={-view.top}>
          {!node ? null : !server ? (
            node.status === 'down' ? (
              <DownLines node={node} />
            ) : (
              <Text color={theme.muted}>connecting… (no server facts yet)</Text>
            )
          ) : sideBySide ? (
            <Box flexDirection="column" flexShrink={0}>
              <Box flexShrink={0}>
                <Box flexDirection="column" width={inner - SETTINGS_COLUMN - 2} marginRight={2} overflow="hidden">
                  <ServerSummary node={node} server={server} link={link} now={now} />
                  <ReplicaTable replicas={server.replicas} />
                  <SlotTable slots={server.slots} settings={server.settings} now={now} />
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
              <SlotTable slots={server.slots} settings={server.settings} now={now} />
            </Box>
          )}
        </Box>
      </Box>
      {view.maxTop > 0 ? (
        <Text color={theme.muted} wrap="truncate-end">
          {view.top + view.page < size.rows ? `↓ ${size.rows - view.top - view.page} more lines · ` : ''}lines {view.top + 1}–{Math.min(size.rows, view.top + view.page)} of {size.rows} · ↑/↓ PgUp/PgDn: scroll
        </Text>
      ) : null}
    </Box>
  );
}
