import { SesSendRate } from '../adapters/ses-send-rate.js';
import { SesTransport } from '../adapters/ses-transport.js';
import type { Log } from '../core/log.js';
import type { Transport } from '../core/ports.js';
import { type AwsSettings, sesClient } from './clients.js';
import type { DELIVERY_TRANSPORT, Settings } from './environment.js';

type TransportSettings = Settings<typeof DELIVERY_TRANSPORT>;

/** Amazon SES, within this container's share of the account's send rate. Loaded only when TRANSPORT=ses. */
export async function sesTransport(settings: TransportSettings, aws: AwsSettings, log: Log): Promise<Transport> {
  const client = await sesClient(aws);
  const fixedRate = settings.SES_MAX_SEND_RATE;
  const rate = new SesSendRate(client, { ...(fixedRate !== undefined ? { fixedRate } : {}), share: settings.DELIVER_CONCURRENCY, log });
  const configurationSetName = settings.SES_CONFIGURATION_SET;
  return new SesTransport(client, { rate, ...(configurationSetName ? { configurationSetName } : {}) });
}
