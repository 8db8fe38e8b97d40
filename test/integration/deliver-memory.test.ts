import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../../functions/core/log.js';
import { type Pipeline, startPipeline } from '../../local/pipeline.js';
import { postJson, waitForStatus } from '../helpers/http.js';
import { peakRssMb, startWorker } from '../helpers/worker.js';

let pipeline: Pipeline;
let worker: ChildProcess;

beforeAll(async () => {
  pipeline = await startPipeline({ inProcessDelivery: false, log: () => silentLog });
  worker = await startWorker(pipeline, { WORKER_CONCURRENCY: '1' });
});

afterAll(async () => {
  worker?.kill('SIGKILL');
  await pipeline?.stop();
});

describe('deliver worker memory', () => {
  it('stays bounded while delivering a 7 MB attachment from the payload store', async () => {
    const small = await postJson(`${pipeline.apiUrl}/v1/emails`, { from: 'a@example.com', to: 'b@example.org', subject: 'warm up', text: 'x' });
    await waitForStatus(pipeline.apiUrl, small.body.id, ['sent']);
    const warm = peakRssMb(worker.pid!);

    const attachment = randomBytes(7 * 1024 * 1024).toString('base64');
    const big = await postJson(`${pipeline.apiUrl}/v1/emails`, {
      from: 'a@example.com',
      to: 'b@example.org',
      subject: 'big',
      text: 'x',
      attachments: [{ filename: 'big.bin', content: attachment }],
    });
    expect(big.status).toBe(202);
    await waitForStatus(pipeline.apiUrl, big.body.id, ['sent'], 30_000);
    const peak = peakRssMb(worker.pid!);
    console.log(`deliver worker peak RSS: ${warm.toFixed(0)} MB warm, ${peak.toFixed(0)} MB after the 7 MB message (+${(peak - warm).toFixed(0)} MB)`);
    // A 7 MB attachment is ~9.6 MB of MIME; a handful of copies is expected, a leak or a blow-up is not.
    expect(peak - warm).toBeLessThan(150);
    expect(pipeline.sink!.received.find((m) => m.raw.includes(big.body.id))!.raw.length).toBeGreaterThan(9_000_000);
  }, 60_000);
});
