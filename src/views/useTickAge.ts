import { useCockpit } from '../state/storeContext.js';
import { ageText } from './ageText.js';

/**
 * How long before the last tick `then` was (ageText), or undefined before the
 * first tick or without `then`. Selected as its words, so the view showing an
 * age re-renders when they change, and a pane that shows none never does
 * because the clock moved.
 */
export function useTickAge(then: number | null | undefined): string | undefined {
  return useCockpit((state) => (state.lastTickAt === undefined || then === null || then === undefined ? undefined : ageText(state.lastTickAt, then)));
}
