import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type * as client from '../../client/index.js';
import { API_TYPES_FILE, renderApiTypes } from '../../client/write-api-types.js';
import type * as server from '../../functions/api/schemas.js';
import type { ErrorCode } from '../../functions/core/errors.js';
import type { SendRequestInput } from '../../functions/core/send-request.js';

describe('the client types', () => {
  it('are up to date with docs/openapi.json (run `npm run openapi` and commit client/api-types.ts)', async () => {
    expect(readFileSync(API_TYPES_FILE, 'utf8')).toBe(await renderApiTypes());
  });

  // Checked by tsc (npm test type-checks test/): a mismatch makes `true` unassignable to
  // `false`. Each answer's type is assignable both ways between server and client, and what
  // the client lets a caller send, the API accepts.
  it('agree with the server schemas they were generated from', () => {
    const agree: Record<string, true> = {
      Accepted: true satisfies Same<server.Accepted, client.Accepted>,
      Email: true satisfies Same<server.Email, client.Email>,
      Canceled: true satisfies Same<server.Canceled, client.Canceled>,
      BatchResult: true satisfies Same<ServerBatchResult, client.BatchResult>,
      ProblemDocument: true satisfies Same<ServerProblem, client.ProblemDocument>,
      ErrorCode: true satisfies Same<ErrorCode, client.ErrorCode>,
      Suppression: true satisfies Same<server.Suppression, client.Suppression>,
      BounceList: true satisfies Same<server.BounceList, client.BounceList>,
      SendEmailInput: true satisfies Accepts<SendRequestInput, client.SendEmailInput>,
    };
    expect(Object.keys(agree)).toHaveLength(9);
  });
});

type Accepts<Wide, Narrow> = [Narrow] extends [Wide] ? true : false;
type Same<A, B> = Accepts<A, B> extends true ? Accepts<B, A> : false;

// The server's zod schema types `code` as any string (its enum is built from a list); the
// document, and so the client, names the codes. Compared with the codes put back:
type ServerProblem = Omit<server.ProblemDocument, 'code'> & { code: ErrorCode };
type ServerBatchResult = Omit<server.BatchResult, 'results'> & {
  results: (Extract<server.BatchResult['results'][number], { id: string }> | { index: number; error: ServerProblem })[];
};
