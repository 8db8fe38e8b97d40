import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type * as client from '../../client/index.js';
import { API_TYPES_FILE, readOpenApi, renderApiTypes } from '../../client/write-api-types.js';
import type * as server from '../../functions/api/schemas.js';
import type { ErrorCode } from '../../functions/core/errors.js';
import type { SendRequestInput } from '../../functions/core/send-request.js';
import type { createTemplateSchema, renderTemplateSchema } from '../../functions/core/template-request.js';

const clientDir = new URL('../../client/', import.meta.url);

describe('the client stands on its own', () => {
  it('takes its types from docs/openapi.json (run `npm run openapi` and commit client/api-types.ts)', () => {
    expect(readFileSync(API_TYPES_FILE, 'utf8')).toBe(renderApiTypes(readOpenApi()));
  });

  it('imports nothing from outside client/ but packages (the published declarations would miss it)', () => {
    const outside = readdirSync(clientDir)
      .filter((file) => file.endsWith('.ts') && file !== 'write-api-types.ts')
      .flatMap((file) =>
        [...readFileSync(new URL(file, clientDir), 'utf8').matchAll(/(?:from|import\()\s*'([^']+)'/g)]
          .map((match) => match[1]!)
          .filter((specifier) => specifier.startsWith('../') || specifier.startsWith('#'))
          .map((specifier) => `${file}: ${specifier}`),
      );
    expect(outside).toEqual([]);
  });

  it('refuses a JSON Schema keyword it cannot type, rather than typing it loosely', () => {
    expect(() => renderApiTypes({ components: { schemas: { Odd: { type: 'object', not: {} } as never } } })).toThrow(/keyword "not"/);
  });

  // Checked by tsc (npm test type-checks test/); a mismatch reads "Type 'true' does not satisfy
  // the expected type 'false'". The generator could type a keyword differently from zod (a
  // default, an optional field, a union): each answer must be assignable both ways between
  // the server's zod types and the client's, and whatever the client lets a caller send, the
  // API must accept.
  it('agree with the zod schemas the document was generated from', () => {
    const agree = {
      Accepted: true satisfies Same<server.Accepted, client.Accepted>,
      Email: true satisfies Same<server.Email, client.Email>,
      Canceled: true satisfies Same<server.Canceled, client.Canceled>,
      BatchResult: true satisfies Same<WithCodes<server.BatchResult>, client.BatchResult>,
      ProblemDocument: true satisfies Same<WithCodes<server.ProblemDocument>, client.ProblemDocument>,
      Suppression: true satisfies Same<server.Suppression, client.Suppression>,
      BounceList: true satisfies Same<server.BounceList, client.BounceList>,
      WebhookEndpoint: true satisfies Same<z.infer<typeof server.webhookEndpointSchema>, client.WebhookEndpoint>,
      WebhookEndpointCreated: true satisfies Same<z.infer<typeof server.webhookEndpointCreatedSchema>, client.WebhookEndpointCreated>,
      WebhookDeliveryList: true satisfies Same<z.infer<typeof server.webhookDeliveryListSchema>, client.WebhookDeliveryList>,
      WebhookEvent: true satisfies Same<z.infer<typeof server.webhookEventSchema>, client.WebhookEvent>,
      Template: true satisfies Same<server.Template, client.Template>,
      TemplateList: true satisfies Same<server.TemplateList, client.TemplateList>,
      RenderedTemplate: true satisfies Same<server.RenderedTemplate, client.RenderedTemplate>,
      CreateTemplateRequest: true satisfies Accepts<z.input<typeof createTemplateSchema>, client.CreateTemplateRequest>,
      RenderTemplateRequest: true satisfies Accepts<z.input<typeof renderTemplateSchema>, client.RenderTemplateRequest>,
      SendEmailInput: true satisfies Accepts<SendRequestInput, client.SendEmailInput>,
      WebhookEndpointRequest: true satisfies Accepts<z.input<typeof server.webhookEndpointRequestSchema>, client.WebhookEndpointRequest>,
    };
    expect(Object.values(agree).every(Boolean)).toBe(true);
  });
});

type Accepts<Wide, Narrow> = [Narrow] extends [Wide] ? true : false;
type Same<A, B> = Accepts<A, B> extends true ? Accepts<B, A> : false;
/** The server's zod schema types a problem's `code` as any string (its enum is built from a list); the document names the codes. */
type WithCodes<T> = T extends { code: string; detail: string }
  ? Omit<T, 'code'> & { code: ErrorCode }
  : T extends (infer Item)[]
    ? WithCodes<Item>[]
    : T extends object
      ? { [K in keyof T]: WithCodes<T[K]> }
      : T;
