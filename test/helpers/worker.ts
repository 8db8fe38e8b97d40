import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Pipeline } from '../../local/pipeline.js';

/** Starts local/deliver-worker.ts as its own process, consuming the pipeline's queue. */
export function startWorker(pipeline: Pipeline, extraEnv: Record<string, string> = {}): Promise<ChildProcess> {
  const child = fork('local/deliver-worker.ts', [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      ...pipeline.env,
      POSTHASTE_DYNAMODB_ENDPOINT: pipeline.aws.endpoints!.dynamodb!,
      POSTHASTE_SQS_ENDPOINT: pipeline.aws.endpoints!.sqs!,
      POSTHASTE_S3_ENDPOINT: pipeline.aws.endpoints!.s3!,
      SMTP_URL: pipeline.smtpUrl,
      QUEUE_ARN: pipeline.queueArn,
      WORKER_CONCURRENCY: '4',
      LOG_LEVEL: 'error',
      ...extraEnv,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`deliver worker exited early (${code})`)));
  });
}

/** Peak resident memory of a process so far, in MB (Linux /proc VmHWM). */
export function peakRssMb(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}
