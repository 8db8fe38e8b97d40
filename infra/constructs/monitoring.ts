import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../functions/adapters/emf-metrics.js';

/** SES reviews an account at a 5 % bounce rate and a 0.1 % complaint rate; alarm when they are reached. */
export const BOUNCE_RATE_THRESHOLD = 0.05;
export const COMPLAINT_RATE_THRESHOLD = 0.001;
/** Alarm when at least half of the webhook attempts in 15 minutes failed (and there were a few). */
export const WEBHOOK_FAILURE_RATE_THRESHOLD = 0.5;
const WEBHOOK_MIN_ATTEMPTS = 10;

export interface MonitoringProps {
  functions: Record<string, lambda.IFunction>;
  deadLetterQueues: Record<string, sqs.IQueue>;
  sendQueue: sqs.IQueue;
  webhookQueue: sqs.IQueue;
  apis: Record<string, apigw.RestApi>;
  alarmEmail?: string;
}

/**
 * Alarms for the ways mail can get stuck or the account can get into trouble, on one
 * SNS topic (with an optional e-mail subscription), and a dashboard of the same signals.
 */
export class Monitoring extends Construct {
  readonly alarmTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { displayName: 'Posthaste alarms', enforceSSL: true });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const fiveMinutes = Duration.minutes(5);

    const alarm = (name: string, metric: cloudwatch.IMetric, threshold: number, description: string) => {
      const a = new cloudwatch.Alarm(this, name, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(new actions.SnsAction(this.alarmTopic));
      this.alarms.push(a);
      return a;
    };

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(
        `${name}Depth`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        1,
        `${name}: messages are waiting in a dead-letter queue (depth > 0); inspect and redrive them`,
      );
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(`${name}Errors`, fn.metricErrors({ period: fiveMinutes, statistic: 'Sum' }), 1, `${name} function: invocation errors`);
      alarm(`${name}Throttles`, fn.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }), 1, `${name} function: throttled invocations`);
    }
    const sesRate = (metricName: string) => new cloudwatch.Metric({ namespace: 'AWS/SES', metricName, period: Duration.hours(1), statistic: 'Maximum' });
    const bounceRate = sesRate('Reputation.BounceRate');
    const complaintRate = sesRate('Reputation.ComplaintRate');
    alarm('BounceRate', bounceRate, BOUNCE_RATE_THRESHOLD, 'SES bounce rate reached 5 % (SES puts the account under review here)');
    alarm('ComplaintRate', complaintRate, COMPLAINT_RATE_THRESHOLD, 'SES complaint rate reached 0.1 % (SES puts the account under review here)');
    // The dispatcher's own counts (Powertools puts its service name in the `service` dimension).
    const dispatcherMetric = (metricName: string, period = Duration.minutes(15)) =>
      new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: 'posthaste-dispatcher' }, statistic: 'Sum', period });
    alarm(
      'WebhookEndpointDisabled',
      dispatcherMetric('webhookEndpointDisabled', fiveMinutes),
      1,
      'A webhook endpoint failed every attempt for a day and was disabled; GET /v1/webhooks shows which and why. Fix the receiver, then PATCH it enabled',
    );
    const webhookFailureRate = new cloudwatch.MathExpression({
      expression: `IF(delivered + failed >= ${WEBHOOK_MIN_ATTEMPTS}, failed / (delivered + failed), 0)`,
      usingMetrics: { delivered: dispatcherMetric('webhookDelivered'), failed: dispatcherMetric('webhookAttemptFailed') },
      period: Duration.minutes(15),
      label: 'webhook attempts failed (share)',
    });
    alarm(
      'WebhookFailureRate',
      webhookFailureRate,
      WEBHOOK_FAILURE_RATE_THRESHOLD,
      'Half or more of the webhook attempts in 15 minutes failed: an endpoint is down or refusing (retries continue on their schedule)',
    );
    for (const [name, api] of Object.entries(props.apis)) {
      alarm(`${name}ServerErrors`, api.metricServerError({ period: fiveMinutes, statistic: 'Sum' }), 1, `${name}: 5xx answers`);
    }

    const fns = Object.entries(props.functions);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: Stack.of(this).stackName, defaultInterval: Duration.hours(6) });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'API requests and errors',
        left: Object.values(props.apis).flatMap((api) => [
          api.metricCount({ period: fiveMinutes }),
          api.metricClientError({ period: fiveMinutes }),
          api.metricServerError({ period: fiveMinutes }),
        ]),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Send queue: depth and age of the oldest message',
        left: [props.sendQueue.metricApproximateNumberOfMessagesVisible()],
        right: [props.sendQueue.metricApproximateAgeOfOldestMessage()],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Function errors', left: fns.map(([n, f]) => f.metricErrors({ label: n, period: fiveMinutes })), width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Function throttles', left: fns.map(([n, f]) => f.metricThrottles({ label: n, period: fiveMinutes })), width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'Function duration p99',
        left: fns.map(([n, f]) => f.metricDuration({ label: n, statistic: 'p99', period: fiveMinutes })),
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queues',
        left: Object.entries(props.deadLetterQueues).map(([n, q]) => q.metricApproximateNumberOfMessagesVisible({ label: n })),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'SES reputation (review at 5 % bounces, 0.1 % complaints)',
        left: [bounceRate],
        right: [complaintRate],
        leftAnnotations: [{ value: BOUNCE_RATE_THRESHOLD, label: 'bounce 5 %' }],
        rightAnnotations: [{ value: COMPLAINT_RATE_THRESHOLD, label: 'complaint 0.1 %' }],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Webhooks: attempts delivered and failed',
        left: [dispatcherMetric('webhookDelivered', fiveMinutes), dispatcherMetric('webhookAttemptFailed', fiveMinutes)],
        right: [webhookFailureRate],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Webhook queue: depth (waiting retries included) and oldest message',
        left: [props.webhookQueue.metricApproximateNumberOfMessagesVisible(), props.webhookQueue.metricApproximateNumberOfMessagesNotVisible()],
        right: [props.webhookQueue.metricApproximateAgeOfOldestMessage()],
        width: 12,
      }),
    );
  }
}
