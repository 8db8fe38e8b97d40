/** The paths the Resend-compatible surface answers: everything outside our own /v1. */
export const isResendPath = (path: string): boolean => path !== '/v1' && !path.startsWith('/v1/');
