import { createContext, useContext } from 'react';
import type { Theme } from './theme.js';
import { colorTheme } from './theme.js';

export const ThemeContext = createContext<Theme>(colorTheme);

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
