/**
 * The header that carries our message id in every message we send, so an SES notification
 * that races the status write can still be matched. Its own module: the events function
 * reads it without loading the MIME builder.
 */
export const POSTHASTE_ID_HEADER = 'X-Posthaste-Id';
