import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { CockpitState, CockpitStore } from './createCockpitStore.js';

export const CockpitStoreContext = createContext<CockpitStore | null>(null);

/**
 * Selects from the cockpit store. Selectors must return primitives or stable
 * references (or wrap with useShallow): zustand 5 re-renders forever on a
 * fresh object per call.
 */
export function useCockpit<T>(selector: (state: CockpitState) => T): T {
  const store = useContext(CockpitStoreContext);
  if (!store) throw new Error('useCockpit outside <CockpitStoreContext.Provider>');
  return useStore(store, selector);
}

export function useCockpitStore(): CockpitStore {
  const store = useContext(CockpitStoreContext);
  if (!store) throw new Error('useCockpitStore outside <CockpitStoreContext.Provider>');
  return store;
}
