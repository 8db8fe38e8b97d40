import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { sqsClient } from '../../functions/compose/clients.js';
import { silentLog } from '../../functions/core/log.js';
import { startPipeline } from '../../local/pipeline.js';

describe('local queue snapshot', () => {
  it('stops cleanly and keeps an unreadable dead letter as it is', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'posthaste-snapshot-'));
    const pipeline = await startPipeline({ dataDir, inProcessDelivery: false, scheduleSweepMs: 0, log: () => silentLog });
    await sqsClient(pipeline.aws).send(new SendMessageCommand({ QueueUrl: pipeline.dlqUrl, MessageBody: 'not json at all' }));
    await pipeline.stop();
    const saved = JSON.parse(readFileSync(join(dataDir, 'queues.json'), 'utf8')) as Record<string, string[]>;
    expect(saved['posthaste-send-dlq']).toEqual(['not json at all']);
  });
});
