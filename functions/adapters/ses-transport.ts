import { type SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { classifySes, TransportError } from '../core/delivery-outcome.js';
import type { OutgoingMessage, Transport, TransportResult } from '../core/ports.js';
import type { SesSendRate } from './ses-send-rate.js';

export interface SesTransportOptions {
  /** Events (bounces, complaints, deliveries) are published through this configuration set. */
  configurationSetName?: string;
  rate: Pick<SesSendRate, 'acquire'>;
}

/**
 * Delivery through Amazon SES SendRawEmail: the same MIME bytes the SMTP transport sends,
 * the envelope recipients as Destinations (so Bcc reaches its recipients without a header),
 * the request's tags as message tags. SES accepts or refuses the whole message.
 */
export class SesTransport implements Transport {
  readonly name = 'ses';

  constructor(
    private readonly client: SESClient,
    private readonly options: SesTransportOptions,
  ) {}

  async send(message: OutgoingMessage): Promise<TransportResult> {
    await this.options.rate.acquire(message.envelope.to.length);
    try {
      const out = await this.client.send(
        new SendRawEmailCommand({
          RawMessage: { Data: Buffer.from(message.raw, 'utf8') },
          Source: message.envelope.from,
          Destinations: message.envelope.to,
          ...(this.options.configurationSetName ? { ConfigurationSetName: this.options.configurationSetName } : {}),
          ...(message.tags.length > 0 ? { Tags: message.tags.map((t) => ({ Name: t.name, Value: t.value })) } : {}),
        }),
      );
      const providerMessageId = out.MessageId;
      return {
        accepted: [...message.envelope.to],
        rejected: [],
        response: `SES accepted the message${providerMessageId ? ` (MessageId ${providerMessageId})` : ''}`,
        ...(providerMessageId ? { providerMessageId } : {}),
      };
    } catch (error) {
      throw new TransportError(classifySes(error as Error & { code?: string }));
    }
  }
}
