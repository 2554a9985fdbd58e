/**
 * Colours by meaning, not by name. State never rests on colour alone (the
 * text says PRIMARY, STANDBY, ✗ DOWN, FAILING, PAUSED), so the no-colour
 * theme loses nothing; bold and inverse are not colour and stay in both.
 * chalk ignores NO_COLOR, so the app picks its theme itself.
 */
export interface Theme {
  primary?: string;
  standby?: string;
  down?: string;
  muted?: string;
  accent?: string;
  border?: string;
  selectedBorder?: string;
  /** Alerts and markers by severity. */
  critical?: string;
  warning?: string;
  info?: string;
  /** Good news: caught up, archiving fine. */
  ok?: string;
}

export const colorTheme: Theme = {
  primary: 'green',
  standby: 'cyan',
  down: 'red',
  muted: 'gray',
  accent: 'yellow',
  border: 'gray',
  selectedBorder: 'white',
  critical: 'red',
  warning: 'yellow',
  info: 'blue',
  ok: 'green',
};

/** Every colour unset: Ink then writes no colour codes, only bold and inverse. */
export const noColorTheme: Theme = {};

/** NO_COLOR (any non-empty value, see no-color.org) selects the no-colour theme. */
export function themeFor(env: NodeJS.ProcessEnv = process.env): Theme {
  return env.NO_COLOR ? noColorTheme : colorTheme;
}
