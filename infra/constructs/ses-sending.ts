import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as ses from 'aws-cdk-lib/aws-ses';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { PosthasteConfig } from '../config.js';

/** Every sending event the events function records; opens and clicks only with engagement tracking on. */
export const SES_EVENTS = [
  ses.EmailSendingEvent.SEND,
  ses.EmailSendingEvent.REJECT,
  ses.EmailSendingEvent.BOUNCE,
  ses.EmailSendingEvent.COMPLAINT,
  ses.EmailSendingEvent.DELIVERY,
  ses.EmailSendingEvent.DELIVERY_DELAY,
];

export const ENGAGEMENT_EVENTS = [ses.EmailSendingEvent.OPEN, ses.EmailSendingEvent.CLICK];

export interface DnsRecord {
  type: 'CNAME' | 'MX' | 'TXT';
  name: string;
  value: string;
}

/**
 * SES side of the service: a configuration set that publishes sending events to the SNS
 * topic, and — when a domain is configured — the domain identity with Easy DKIM and a
 * custom MAIL FROM, whose DNS records are printed as stack outputs for the operator.
 */
export class SesSending extends Construct {
  readonly configurationSet: ses.ConfigurationSet;
  readonly identity?: ses.EmailIdentity;
  readonly dnsRecords: DnsRecord[] = [];

  constructor(scope: Construct, id: string, props: { config: PosthasteConfig; eventsTopic: sns.ITopic }) {
    super(scope, id);
    const { config } = props;
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: config.configurationSetName,
      reputationMetrics: true,
      sendingEnabled: true,
      tlsPolicy: config.requireTls ? ses.ConfigurationSetTlsPolicy.REQUIRE : ses.ConfigurationSetTlsPolicy.OPTIONAL,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      ...(config.trackingRedirectDomain
        ? { customTrackingRedirectDomain: config.trackingRedirectDomain, customTrackingHttpsPolicy: ses.HttpsPolicy.REQUIRE }
        : {}),
    });
    new ses.ConfigurationSetEventDestination(this, 'ToEventsTopic', {
      configurationSet: this.configurationSet,
      destination: ses.EventDestination.snsTopic(props.eventsTopic),
      // SES tracks opens and clicks for a configuration set whose destination takes those events.
      events: config.engagementTracking ? [...SES_EVENTS, ...ENGAGEMENT_EVENTS] : SES_EVENTS,
    });

    if (!config.domain) return;
    const mailFrom = `${config.mailFromSubdomain}.${config.domain}`;
    this.identity = new ses.EmailIdentity(this, 'Domain', {
      identity: ses.Identity.domain(config.domain),
      configurationSet: this.configurationSet,
      dkimSigning: true,
      mailFromDomain: mailFrom,
      // Refuse to send with a MAIL FROM whose MX is missing instead of falling back to amazonses.com (breaks SPF alignment).
      mailFromBehaviorOnMxFailure: ses.MailFromBehaviorOnMxFailure.REJECT_MESSAGE,
      feedbackForwarding: false,
    });
    const region = Stack.of(this).region;
    this.dnsRecords.push(
      ...this.identity.dkimRecords.map((r): DnsRecord => ({ type: 'CNAME', name: r.name, value: r.value })),
      { type: 'MX', name: mailFrom, value: `10 feedback-smtp.${region}.amazonses.com` },
      { type: 'TXT', name: mailFrom, value: '"v=spf1 include:amazonses.com ~all"' },
      { type: 'TXT', name: `_dmarc.${config.domain}`, value: `"v=DMARC1; p=${config.dmarcPolicy}; rua=mailto:dmarc-reports@${config.domain}"` },
    );
    const labels = ['Dkim1', 'Dkim2', 'Dkim3', 'MailFromMx', 'MailFromSpf', 'Dmarc'];
    this.dnsRecords.forEach((record, i) => {
      new CfnOutput(Stack.of(this), `Dns${labels[i]}`, {
        description: `DNS ${record.type} record to publish for ${config.domain}`,
        value: `${record.name} ${record.type} ${record.value}`,
      });
    });
  }
}
