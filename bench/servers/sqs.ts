/** fauxqs in a process of its own, with the webhook queue the deliver function tells its events to. */
import { startFauxqs } from 'fauxqs';

const server = await startFauxqs({ port: 0, logger: false, host: '127.0.0.1' });
const webhooks = server.createQueue('posthaste-webhooks');
console.log(JSON.stringify({ endpoint: server.address, webhookQueueUrl: webhooks.queueUrl }));
process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
