/**
 * PLACEHOLDER — replace with the real SES events handler (SNS → feedback records,
 * suppressions, message status) when it lands. It exists so the CDK app has an entry to
 * bundle. It fails every invocation on purpose: SNS/Lambda retry, the event lands in the
 * events dead-letter queue and its depth alarm fires, so no SES event is dropped silently.
 */
export const handler = async (): Promise<never> => {
  throw new Error('the SES events handler is not deployed yet: events are kept in the events DLQ');
};
