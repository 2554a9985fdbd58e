import type { ServerLogPlace } from '../postgres/serverLogPlace.js';
import type { PreflightCheck } from './plan.js';

/** The plan's line saying where a server it starts again with pg_ctl goes on logging, and why there. */
export function serverLogCheck(node: string, place: ServerLogPlace): PreflightCheck {
  return { label: `${node} logs where it did once started again`, status: 'ok', observed: `pg_ctl -l ${place.file}: ${place.source}` };
}
