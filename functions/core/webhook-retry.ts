/**
 * When a webhook delivery is tried again, and when an endpoint is given up on.
 *
 * The schedule is the one Standard Webhooks suggests (and Svix runs): immediately, then
 * 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h — eight attempts over about 27.6 hours, so
 * a receiver that is down for a day still gets every event. After the last one the delivery
 * is marked failed and can be resent by hand.
 *
 * An endpoint that has failed every attempt for at least a day, over at least 30 attempts
 * in a row, is disabled: it is almost certainly gone, and retrying it only delays the
 * other endpoints' deliveries. Any 2xx resets the count.
 *
 * The waits are taken on the queue: a failed attempt leaves its message invisible for the
 * delay (ChangeMessageVisibility allows up to 12 hours, above SQS's 15-minute DelaySeconds).
 */
export const DEPLOYED_SCHEDULE_SECONDS: readonly number[] = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600];

/** Local mode: the same number of attempts on a schedule of seconds, so retries can be watched. */
export const LOCAL_SCHEDULE_SECONDS: readonly number[] = [1, 2, 4, 8, 15, 30, 60];

export const DISABLE_AFTER_FAILURES = 30;
export const DISABLE_AFTER_MS = 24 * 3600 * 1000;

/** Seconds before the next attempt after `attemptsMade` failed ones; undefined when none is left. */
export function nextAttemptDelay(attemptsMade: number, schedule: readonly number[] = DEPLOYED_SCHEDULE_SECONDS): number | undefined {
  if (attemptsMade < 1) return 0;
  return schedule[attemptsMade - 1];
}

/** The total number of attempts a delivery gets under `schedule`. */
export const maxAttempts = (schedule: readonly number[] = DEPLOYED_SCHEDULE_SECONDS): number => schedule.length + 1;

/** An endpoint's failure streak, as its record keeps it. */
export interface FailureStreak {
  /** Consecutive failed attempts since the last success. */
  consecutiveFailures: number;
  /** When the first of them happened (ISO 8601); absent when the streak is 0. */
  failingSince?: string;
}

export function afterAttempt(streak: FailureStreak, succeeded: boolean, at: Date): FailureStreak {
  if (succeeded) return { consecutiveFailures: 0 };
  return { consecutiveFailures: streak.consecutiveFailures + 1, failingSince: streak.failingSince ?? at.toISOString() };
}

export function shouldDisable(streak: FailureStreak, at: Date, limits = { failures: DISABLE_AFTER_FAILURES, ms: DISABLE_AFTER_MS }): boolean {
  if (streak.consecutiveFailures < limits.failures || streak.failingSince === undefined) return false;
  return at.getTime() - Date.parse(streak.failingSince) >= limits.ms;
}
