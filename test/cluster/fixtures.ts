/**
 * The cluster logic tests build their snapshots with the shared builders
 * (a healthy node by default, hosts 10.0.0.x, port 5432, taken at NOW).
 */
export * from '../support/snapshots.js';
