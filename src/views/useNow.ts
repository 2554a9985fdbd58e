import { useEffect, useState } from 'react';

/** The time, updated every `intervalMs` while the component is mounted (for an elapsed-time display). */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
