/**
 * Colours by meaning, not by name. State never rests on colour alone (the
 * text says PRIMARY, STANDBY, ✗ DOWN), so the no-colour theme loses nothing.
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
}

export const colorTheme: Theme = {
  primary: 'green',
  standby: 'cyan',
  down: 'red',
  muted: 'gray',
  accent: 'yellow',
  border: 'gray',
  selectedBorder: 'white',
};

export const noColorTheme: Theme = {};

/** NO_COLOR (any non-empty value, see no-color.org) selects the no-colour theme. */
export function themeFor(env: NodeJS.ProcessEnv = process.env): Theme {
  return env.NO_COLOR ? noColorTheme : colorTheme;
}
