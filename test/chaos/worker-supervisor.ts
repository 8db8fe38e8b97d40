import type { ChildProcess } from 'node:child_process';

export interface WorkerSupervisor {
  /** Kills the worker with SIGKILL, as the harness decides; resolves once its successor is ready. */
  kill(): Promise<void>;
  /** Exits the harness did not ask for: the worker's own fault point (CHAOS_KILL_AFTER_WRITE). */
  readonly selfKills: number;
  /** Resolves once no restart is under way. */
  settled(): Promise<void>;
  stop(): void;
}

/**
 * Keeps one deliver worker running, the way Lambda starts a new container after one dies:
 * whenever the worker exits — killed by the harness or by its own fault point — `afterExit`
 * runs first (the harness notes what the dead worker left in doubt), then a new worker starts;
 * `start` is told how many came before it.
 */
export async function superviseWorker(start: (index: number) => Promise<ChildProcess>, afterExit: () => Promise<void>): Promise<WorkerSupervisor> {
  let starts = 0;
  let current: ChildProcess | undefined;
  let stopped = false;
  let asked = false;
  let selfKills = 0;
  let restarting: Promise<void> = Promise.resolve();

  const restart = async (): Promise<void> => {
    await afterExit();
    if (!stopped) await run();
  };
  const run = async (): Promise<void> => {
    let child: ChildProcess;
    try {
      child = await start(starts++);
    } catch {
      // It died before it said it was ready: its fault point struck on the first batch.
      if (stopped) return;
      selfKills++;
      return restart();
    }
    current = child;
    child.once('exit', () => {
      if (stopped) return;
      if (asked) asked = false;
      else selfKills++;
      restarting = restart();
    });
  };
  await run();

  const supervisor: WorkerSupervisor = {
    async kill() {
      await restarting;
      const child = current!;
      // Dead already (its own fault point, its exit not yet handled): the successor is the one to kill.
      if (child.exitCode !== null || child.signalCode !== null) {
        await new Promise((resolve) => setImmediate(resolve));
        return supervisor.kill();
      }
      asked = true;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      await restarting;
    },
    get selfKills() {
      return selfKills;
    },
    settled: () => restarting,
    stop() {
      stopped = true;
      current?.kill('SIGKILL');
    },
  };
  return supervisor;
}
