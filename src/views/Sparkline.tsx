import { Text } from 'ink';
import { sparklineText } from './sparklineText.js';

export interface SparklineProps {
  values: readonly number[];
  /** At most this many bars: the newest values. */
  width: number;
  color?: string;
}

/** Recent values as ▁▂▃▄▅▆▇█, newest on the right. */
export function Sparkline({ values, width, color }: SparklineProps) {
  return <Text color={color}>{sparklineText(values, width)}</Text>;
}
