/**
 * What a million emails cost on AWS and what limits throughput at 1 M and 10 M a day.
 * Prices are public us-east-1 list prices, read on PRICES_READ from the pages in PRICE_SOURCES;
 * check them again before quoting (SES introduced plan pricing on 2026-07-21).
 */
export const PRICES_READ = '2026-11-23';

export const PRICE_SOURCES = {
  ses: 'https://aws.amazon.com/ses/pricing/',
  lambda: 'https://aws.amazon.com/lambda/pricing/',
  sqs: 'https://aws.amazon.com/sqs/pricing/',
  dynamodb: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  apiGateway: 'https://aws.amazon.com/api-gateway/pricing/',
  sns: 'https://aws.amazon.com/sns/pricing/',
  cloudwatch: 'https://aws.amazon.com/cloudwatch/pricing/',
  xray: 'https://aws.amazon.com/xray/pricing/',
  s3: 'https://aws.amazon.com/s3/pricing/',
} as const;

/** USD, us-east-1. */
export const PRICES = {
  sesPerEmailALaCarte: 0.1 / 1000,
  sesPerEmailEssentials: 0.16 / 1000,
  lambdaPerRequest: 0.2 / 1e6,
  lambdaPerGbSecondArm: 0.0000133334,
  sqsPerRequest: 0.4 / 1e6,
  dynamoPerWriteUnit: 0.625 / 1e6,
  dynamoPerReadUnit: 0.125 / 1e6,
  dynamoPerGbMonth: 0.25,
  restApiPerRequest: 3.5 / 1e6,
  snsPerPublish: 0.5 / 1e6,
  logsPerGb: 0.5,
  xrayPerTrace: 5.0 / 1e6,
  s3PerPut: 0.005 / 1000,
  s3PerGbMonth: 0.023,
};

/**
 * Per-email usage of the pipeline, one recipient, no attachment. Durations are assumptions
 * for Lambda (arm64) talking to regional endpoints, not measurements of this machine.
 */
export const USAGE = {
  apiRequests: 1,
  apiLambdaGbSeconds: 0.25 * 0.03, // 256 MB, ~30 ms: PutItem + SendMessage
  deliverInvocations: 1 / 10, // SQS batches of 10
  deliverLambdaGbSeconds: (0.5 * 0.15) / 10, // 512 MB, ~150 ms per batch of 10 sent concurrently
  eventsInvocations: 1, // one SES Delivery notification per email
  eventsLambdaGbSeconds: 0.25 * 0.02,
  // API create, deliver claim, deliver finish, events status update; items stay under 1 KB → 1 WRU each.
  dynamoWrites: 4,
  // The email log (docs/architecture.md#the-email-log-and-the-event-feed): the message's byLog
  // and byStatus entries 2, the recipient and sender search items with their byLog entries 4,
  // two status moves re-keying byStatus 4, two feed items (sent, delivered) with theirs 4.
  emailLogWrites: 14,
  // Bytes the log's items and index entries hold per email, for messageRetentionDays (90).
  emailLogBytes: 2300,
  retentionMonths: 3,
  // The suppression lookup (strongly consistent, per recipient) and the events function's
  // lookup of the message by its SES id.
  dynamoReads: 2,
  // SendMessage 1, ReceiveMessage and DeleteMessageBatch per 10, plus empty long polls (~0.1).
  sqsRequests: 1 + 0.1 + 0.1 + 0.1,
  snsPublishes: 1,
  logGb: 1.5e-6, // ~1.5 KB of structured logs per email over all functions
  // Active tracing with the default sampling rule (first request each second, then 5%) on
  // api, deliver and events at 1 M/day (11.6/s): ≈ 0.13 + 0.09 + 0.13 traces per email.
  // At 10 M/day the 5 % dominates and this falls to ≈ 0.13 in all.
  xrayTraces: 0.35,
  // What each message sent, kept for the console (contentRetentionDays, default 30): one PUT
  // per attempt that reaches the transport, ~20 KB of headers, text and HTML for a month.
  contentPuts: 1,
  contentGbMonths: 20e-6,
};

export interface CostLine {
  item: string;
  perMillion: number;
}

export function costPerMillion(ses: 'alaCarte' | 'essentials' = 'alaCarte'): CostLine[] {
  const p = PRICES;
  const u = USAGE;
  const lambda = (invocations: number, gbSeconds: number) => invocations * p.lambdaPerRequest + gbSeconds * p.lambdaPerGbSecondArm;
  const lines: CostLine[] = [
    {
      item: ses === 'alaCarte' ? 'SES (à la carte, $0.10 per 1,000)' : 'SES (Essentials plan, $0.16 per 1,000)',
      perMillion: ses === 'alaCarte' ? p.sesPerEmailALaCarte : p.sesPerEmailEssentials,
    },
    { item: 'API Gateway REST ($3.50 per million)', perMillion: u.apiRequests * p.restApiPerRequest },
    { item: 'DynamoDB on-demand (4 writes, 2 reads)', perMillion: u.dynamoWrites * p.dynamoPerWriteUnit + u.dynamoReads * p.dynamoPerReadUnit },
    { item: `DynamoDB, email log and event feed (${u.emailLogWrites} writes)`, perMillion: u.emailLogWrites * p.dynamoPerWriteUnit },
    {
      item: `DynamoDB storage of the email log (${(u.emailLogBytes / 1000).toFixed(1)} KB for ${u.retentionMonths} months)`,
      perMillion: (u.emailLogBytes / 1e9) * u.retentionMonths * p.dynamoPerGbMonth,
    },
    { item: 'SQS (≈1.3 requests)', perMillion: u.sqsRequests * p.sqsPerRequest },
    { item: 'SNS notification (1 publish)', perMillion: u.snsPublishes * p.snsPerPublish },
    { item: 'CloudWatch Logs (~1.5 KB)', perMillion: u.logGb * p.logsPerGb },
    { item: 'X-Ray traces (default sampling, at 1 M/day)', perMillion: u.xrayTraces * p.xrayPerTrace },
    {
      item: 'S3 sent content (1 PUT, ~20 KB for 30 days; 0 with contentRetentionDays 0)',
      perMillion: u.contentPuts * p.s3PerPut + u.contentGbMonths * p.s3PerGbMonth,
    },
    {
      item: 'Lambda (api, deliver, events)',
      perMillion:
        lambda(u.apiRequests, u.apiLambdaGbSeconds) +
        lambda(u.deliverInvocations, u.deliverLambdaGbSeconds) +
        lambda(u.eventsInvocations, u.eventsLambdaGbSeconds),
    },
  ];
  return lines.map((l) => ({ ...l, perMillion: l.perMillion * 1e6 }));
}

/** Markdown for RESULTS.md: the limits at 1 M and 10 M a day, and the cost table. */
export function scaleModelMarkdown(measured: { deliverStoreRoundTrips: number }): string {
  const lines = costPerMillion();
  const total = lines.reduce((s, l) => s + l.perMillion, 0);
  const withoutSes = total - lines[0]!.perMillion;
  const essentials = costPerMillion('essentials').reduce((s, l) => s + l.perMillion, 0);
  const money = (v: number) => `$${v < 10 ? v.toFixed(2) : Math.round(v).toLocaleString('en-US')}`;
  return `## Scale model

Traffic is never flat: size for a peak of ~10× the daily average.

| | 1 M emails/day | 10 M emails/day |
|---|---|---|
| average / peak rate | 11.6/s / ~120/s | 116/s / ~1,200/s |
| SES | needs a production quota of ≥ 1 M per 24 h and a send rate ≥ peak (accounts leaving the sandbox usually start far lower, e.g. 50,000/day and 14/s): **the first limit**, raised by request | quota ≥ 10 M/24 h and ~1,000+/s: a quota case with AWS, and the deliver function's concurrency must be capped to SES MaxSendRate so throttling stays rare |
| Lambda | api ≈ peak × 30 ms ≈ 4 concurrent; deliver ≈ 2–5 concurrent batches | api ≈ 40 concurrent; deliver ≈ 20–40 (cap with the event source's maximum concurrency); far under the 1,000 default account limit |
| SQS (standard) | no practical limit | no practical limit; batches of 10 keep request counts (and cost) down |
| DynamoDB on-demand | ~${measured.deliverStoreRoundTrips + 2} writes per email ≈ 500 WRU/s at peak, plus ${USAGE.emailLogWrites} for the email log ≈ 1,700 WRU/s more | ≈ 5,000 WRU/s at peak, ≈ 22,000 with the email log: far above what a brand-new on-demand table serves at once (4,000 writes/s), so pre-warm the table (warm throughput) before launch; under the 40,000 per-table default quota. Each of the log's sharded index keys (8 per listing) takes ≈ 150 writes/s, under a partition's 1,000 |
| API Gateway | — | ~1,200 req/s peak: under the 10,000 req/s account throttle |

What each email pays for (one recipient, no attachment; usage per email in bench/scale-model.ts):

| line | per million emails |
|---|---|
${lines.map((l) => `| ${l.item} | ${money(l.perMillion)} |`).join('\n')}
| **total** | **${money(total)}** (${money(essentials)} on the SES Essentials plan, the default for accounts new to SES since 2026-07-21) |

Everything except SES is ≈ ${money(withoutSes)} per million (${Math.round((withoutSes / total) * 100)}% of the bill); its largest parts are ${lines
    .slice(1)
    .sort((a, b) => b.perMillion - a.perMillion)
    .slice(0, 2)
    .map((l) => `${l.item} (${money(l.perMillion)})`)
    .join(
      ' and ',
    )}. The email log's writes grow with recipients and tags (2 each); an HTTP API at $1.00 per million instead of REST would cut ~$2.50. Attachments add $0.12 per GB on SES.
At 1 M/day ≈ ${money(total * 30)}/month; at 10 M/day ≈ ${money(total * 300)}/month (before any SES volume tier or savings plan).

Prices: us-east-1 list prices, read ${PRICES_READ} from ${Object.values(PRICE_SOURCES).join(', ')}.
`;
}
