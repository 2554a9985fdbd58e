import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobControl } from '../../src/services/runner/jobControl.js';
import { createJobControl } from '../../src/services/runner/jobControl.js';
import { LocalRunner } from '../../src/services/runner/localRunner.js';
import type { CommandSpec } from '../../src/services/runner/runner.js';
import { runJob } from '../../src/services/runner/runJob.js';
import { createCockpitStore } from '../../src/state/createCockpitStore.js';
import { waitFor } from '../support/waitFor.js';
import { liveProcesses } from './processes.js';

const runner = new LocalRunner(os.userInfo().username, { killGraceMs: 500 });
const newStore = () => createCockpitStore({ cluster: 'test', nodes: [] });
const sh = (script: string): CommandSpec => ({ program: 'sh', args: ['-c', script], mutating: false });
/** A five-minute sleep no other test runs. */
const uniqueSleep = () => `sleep 300.${String(Math.random()).slice(2, 10)}`;

const controls: JobControl[] = [];
function controlFor(store: ReturnType<typeof newStore>): JobControl {
  const control = createJobControl(store);
  controls.push(control);
  return control;
}
afterEach(() => {
  for (const control of controls.splice(0)) control.stop();
});

describe('job control', () => {
  it('a cancel requested through the store stops a real five-minute job: cancelled, and no sleep left', async () => {
    const store = newStore();
    const control = controlFor(store);
    const sleep = uniqueSleep();
    // The sleep in the background is the shell's child: only stopping the process tree reaches it.
    const running = runJob({ title: 'long wait', node: 'pg2', runner, spec: sh(`${sleep} & wait`), sink: store, control });
    await waitFor(async () => (await liveProcesses(sleep)).length === 1, `"${sleep}" to start`, 5000, 20);
    const job = store.getState().jobs[0]!;
    expect(job).toMatchObject({ status: 'running', node: 'pg2' });
    expect(control.runningIds()).toEqual([job.id]);

    store.getState().requestJobCancel(job.id);
    expect(store.getState().cancelRequested).toEqual([job.id]);
    const result = await running;

    expect(result).toMatchObject({ cancelled: true, exitCode: null });
    const { jobs, log, cancelRequested } = store.getState();
    expect(jobs[0]).toMatchObject({ id: job.id, status: 'cancelled' });
    expect(log.at(-1)!.text).toMatch(/^■ cancelled after .* \(killed by SIGTERM\)$/);
    // Done: the request is spent and the registry lets go of the job.
    expect(cancelRequested).toEqual([]);
    expect(control.runningIds()).toEqual([]);
    await waitFor(async () => (await liveProcesses(sleep)).length === 0, `no "${sleep}" left`, 3000, 20);
  });

  it('stops only the job asked for', async () => {
    const store = newStore();
    const control = controlFor(store);
    const first = runJob({ title: 'first', runner, spec: sh('sleep 5'), sink: store, control });
    const second = runJob({ title: 'second', runner, spec: sh('sleep 0.5; echo done'), sink: store, control });
    await waitFor(() => store.getState().jobs.length === 2, 'both jobs to start', 2000, 10);
    store.getState().requestJobCancel(store.getState().jobs[0]!.id);
    expect((await first).cancelled).toBe(true);
    expect(await second).toMatchObject({ cancelled: false, exitCode: 0 });
    expect(store.getState().jobs.map((job) => job.status)).toEqual(['cancelled', 'succeeded']);
  });

  it("the caller's own signal still stops a job under control", async () => {
    const store = newStore();
    const control = controlFor(store);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await runJob({ title: 'own cancel', runner, spec: sh('sleep 5'), sink: store, control, signal: controller.signal });
    expect(result.cancelled).toBe(true);
    expect(control.runningIds()).toEqual([]);
  });

  it('a request for a job started without job control is said in the log, not silently kept', async () => {
    const store = newStore();
    controlFor(store);
    const controller = new AbortController();
    const running = runJob({ title: 'uncontrolled', runner, spec: sh('sleep 5'), sink: store, signal: controller.signal });
    await waitFor(() => store.getState().jobs.length === 1, 'the job to start', 2000, 10);
    store.getState().requestJobCancel(store.getState().jobs[0]!.id);
    expect(store.getState().log.at(-1)!.text).toBe('⚠ cannot stop "uncontrolled": it was started without job control');
    controller.abort();
    await running;
  });

  it('a request for a job that is not running is no request', () => {
    const store = newStore();
    store.getState().startJob({ id: 9001, title: 'done already', where: 'local', startedAt: 0 });
    store.getState().finishJob(9001, { status: 'succeeded', endedAt: 1, exitCode: 0, signal: null });
    store.getState().requestJobCancel(9001);
    store.getState().requestJobCancel(4242);
    expect(store.getState().cancelRequested).toEqual([]);
  });

  it('stop() stops every job still running (nobody would be left to watch it) and stops listening', async () => {
    const store = newStore();
    const control = createJobControl(store);
    const running = runJob({ title: 'left running', runner, spec: sh('sleep 5'), sink: store, control });
    await waitFor(() => store.getState().jobs.length === 1, 'the job to start', 2000, 10);
    control.stop();
    expect((await running).cancelled).toBe(true);
  });
});
