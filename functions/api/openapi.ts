import * as z from 'zod';
import { FEEDBACK_TYPES } from '../core/records.js';
import { MESSAGE_STATUSES } from '../core/status.js';
import { WEBHOOK_EVENT_TYPES } from '../core/webhook-events.js';
import { COMPONENTS } from './schemas.js';

/**
 * The OpenAPI 3.1 document, generated from the zod schemas the API validates with (and
 * the response schemas in schemas.ts). `npm run openapi` writes it to docs/openapi.json;
 * the API serves that file, and a test keeps the two equal.
 */

const REQUEST_COMPONENTS = [
  'Mailbox',
  'SendEmailRequest',
  'SendBatchRequest',
  'WebhookEndpointRequest',
  'CreateTemplateRequest',
  'TemplateVersionRequest',
  'RenderTemplateRequest',
] as const;

type JsonSchema = Record<string, unknown>;

function componentSchemas(names: readonly (keyof typeof COMPONENTS)[], io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const name of names) registry.add(COMPONENTS[name] as z.core.$ZodType, { id: name });
  const { schemas } = z.toJSONSchema(registry, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
    override: ({ jsonSchema }) => {
      // z.int() bounds itself to safe integers; that says nothing to a reader.
      if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
      if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
    },
  });
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return schemas as Record<string, JsonSchema>;
}

const ref = (name: keyof typeof COMPONENTS) => ({ $ref: `#/components/schemas/${name}` });
const jsonBody = (name: keyof typeof COMPONENTS, description: string) => ({ description, content: { 'application/json': { schema: ref(name) } } });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });

const PROBLEMS = {
  400: problem('The body is not JSON'),
  401: {
    description: 'No or unknown credentials (answered by API Gateway)',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/GatewayError' } } },
  },
  403: {
    description:
      'Credentials not allowed here (answered by API Gateway, application/json), or a sender domain that is not allowed (sender_not_allowed, problem+json)',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/GatewayError' } }, 'application/problem+json': { schema: ref('Problem') } },
  },
  404: problem('No such resource'),
  405: problem('Method not allowed on this path'),
  409: problem('Conflict'),
  413: problem('The message is too large'),
  415: problem('The body is not application/json'),
  422: problem('A field is invalid; `field` names it'),
  500: problem('Internal error'),
  503: problem('A dependency is unavailable; nothing was changed, try again'),
} as const;

const problems = (...codes: (keyof typeof PROBLEMS)[]) =>
  Object.fromEntries([401, 403, 500, ...codes].sort().map((code) => [String(code), PROBLEMS[code as keyof typeof PROBLEMS]]));

const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'The same key and body within 24 hours returns the first response and sends nothing; the same key with another body is 409.',
  schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
};
const pathParam = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const queryParam = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});
const since = (what: string) => queryParam('since', `${what} at or after this time: an ISO 8601 date-time with an offset, or a date (its midnight UTC)`);
const versionQuery = (description: string) => ({ name: 'version', in: 'query', required: false, description, schema: { type: 'integer', minimum: 1 } });
const aliasParam = pathParam('alias', 'The template alias, e.g. `password-reset`');
const paging = [
  { name: 'cursor', in: 'query', required: false, description: 'The `nextCursor` of the previous page', schema: { type: 'string' } },
  { name: 'limit', in: 'query', required: false, description: 'Page size, 1-100 (default 50)', schema: { type: 'integer', minimum: 1, maximum: 100 } },
];

export function openApiDocument(version: string): Record<string, unknown> {
  const schemas = {
    ...componentSchemas(REQUEST_COMPONENTS, 'input'),
    ...componentSchemas(
      (Object.keys(COMPONENTS) as (keyof typeof COMPONENTS)[]).filter((name) => !(REQUEST_COMPONENTS as readonly string[]).includes(name)),
      'output',
    ),
    GatewayError: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
  };
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Posthaste',
      version,
      summary: 'Serverless transactional email for AWS',
      description:
        'Send email through Amazon SES or any SMTP relay and follow every message to its end. Errors are RFC 9457 problem documents with a stable `code` and the failing `field`.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: 'http://127.0.0.1:3000', description: 'Local mode (npm start)' }],
    security: [{ apiKey: [] }, { sigv4: [] }],
    paths: {
      '/v1/emails': {
        get: {
          operationId: 'listEmails',
          summary: 'The email log: messages newest first, filtered',
          description:
            'Every filter is optional and they combine. `recipient` finds a message by any of its to, cc and bcc addresses. A page holds at most `limit` messages and may hold fewer while more follow (a page that combines filters reads a bounded number of index entries): keep going while `nextCursor` is there.',
          parameters: [
            queryParam('status', 'Only messages in this status', { type: 'string', enum: MESSAGE_STATUSES }),
            queryParam('recipient', 'Only messages to this address (to, cc or bcc)'),
            queryParam('from', 'Only messages from this address'),
            queryParam('tag', 'Only messages with this tag, as `name:value`'),
            since('Created'),
            queryParam('until', 'Created at or before this time (as `since`)'),
            ...paging,
          ],
          responses: { '200': jsonBody('EmailList', 'One page'), ...problems(422) },
        },
        post: {
          operationId: 'sendEmail',
          summary: 'Send one email, now or at `scheduledAt`',
          parameters: [idempotencyKey],
          requestBody: { required: true, content: { 'application/json': { schema: ref('SendEmailRequest') } } },
          responses: { '202': jsonBody('Accepted', 'Queued, or scheduled when `scheduledAt` was given'), ...problems(400, 409, 413, 415, 422, 503) },
        },
      },
      '/v1/emails/batch': {
        post: {
          operationId: 'sendBatch',
          summary: 'Send up to 100 emails in one call',
          description:
            'Valid items are accepted even when others are not. 202: every item was accepted; 207: at least one was not (its result holds a problem whose `field` starts with the item index, e.g. `[3].to`). An Idempotency-Key covers the whole batch.',
          parameters: [idempotencyKey],
          requestBody: { required: true, content: { 'application/json': { schema: ref('SendBatchRequest') } } },
          responses: {
            '202': jsonBody('BatchResult', 'Every item was accepted'),
            '207': jsonBody('BatchResult', 'Some items were not accepted; see each result'),
            ...problems(400, 409, 413, 415, 422, 503),
          },
        },
      },
      '/v1/emails/{id}': {
        get: {
          operationId: 'getEmail',
          summary: 'Status and history of an email',
          parameters: [pathParam('id', 'The id returned when the email was sent')],
          responses: { '200': jsonBody('Email', 'The email'), ...problems(404) },
        },
        delete: {
          operationId: 'cancelEmail',
          summary: 'Cancel an email that has not been handed to delivery',
          description:
            'A scheduled email, or a queued one no worker has picked up yet, becomes `canceled` and is never sent. Canceling twice answers the same; an email already handed to delivery is 409 `not_cancelable`.',
          parameters: [pathParam('id', 'The id returned when the email was sent')],
          responses: { '200': jsonBody('Canceled', 'Canceled'), ...problems(404, 409, 503) },
        },
      },
      '/v1/emails/{id}/content': {
        get: {
          operationId: 'getEmailContent',
          summary: 'What an email sent: its MIME headers, text and HTML parts, attachment names',
          description:
            "Kept by the deliver function when an attempt reaches SES or the relay, for `contentRetentionDays` (CDK context; 0 keeps nothing). 404 before that, after it, or when nothing is kept. The HTML is the sender's own: show it sandboxed.",
          parameters: [pathParam('id', 'The id returned when the email was sent')],
          responses: { '200': jsonBody('EmailContent', 'What was sent'), ...problems(404) },
        },
      },
      '/v1/suppressions': {
        get: {
          operationId: 'listSuppressions',
          summary: 'Addresses Posthaste no longer sends to',
          parameters: paging,
          responses: { '200': jsonBody('SuppressionList', 'One page'), ...problems(422) },
        },
      },
      '/v1/suppressions/{address}': {
        get: {
          operationId: 'getSuppression',
          summary: 'Why an address is suppressed',
          parameters: [pathParam('address', 'Email address (percent-encoded)')],
          responses: { '200': jsonBody('Suppression', 'The suppression entry'), ...problems(404, 422) },
        },
        delete: {
          operationId: 'removeSuppression',
          summary: 'Send to an address again',
          parameters: [pathParam('address', 'Email address (percent-encoded)')],
          responses: { '204': { description: 'Removed' }, ...problems(404, 422) },
        },
      },
      '/v1/bounces': {
        get: {
          operationId: 'listBounces',
          summary: 'Bounce and complaint records, newest first: of one recipient, or of everyone',
          parameters: [
            queryParam('recipient', "One recipient's records; without it, every recipient's (then `type` and `since` apply)"),
            queryParam('type', 'Without `recipient`: only bounces or only complaints', { type: 'string', enum: FEEDBACK_TYPES }),
            since('Without `recipient`: reported'),
            ...paging,
          ],
          responses: { '200': jsonBody('BounceList', 'One page'), ...problems(422) },
        },
      },
      '/v1/events': {
        get: {
          operationId: 'listEvents',
          summary: 'The webhook events, oldest first, for apps that pull',
          description:
            'The same events the webhooks POST (body and `webhook-id`), kept as long as their messages. Ordered by when each happened; SES reports some minutes later (bounces, opens, delays) and a write interrupted by a crash is emitted by the next sweep, so an app that polls should ask again from a few minutes before the newest event it has seen and drop ids it already has.',
          parameters: [
            since('Events that happened'),
            queryParam('type', 'Only events of this type', { type: 'string', enum: [...WEBHOOK_EVENT_TYPES] }),
            ...paging,
          ],
          responses: { '200': jsonBody('EventFeed', 'One page'), ...problems(422) },
        },
      },
      '/v1/webhooks': {
        post: {
          operationId: 'createWebhook',
          summary: 'Register an endpoint for events; its signing secret is in this answer only',
          requestBody: { required: true, content: { 'application/json': { schema: ref('WebhookEndpointRequest') } } },
          responses: { '201': jsonBody('WebhookEndpointCreated', 'Created'), ...problems(400, 415, 422, 503) },
        },
        get: {
          operationId: 'listWebhooks',
          summary: 'Webhook endpoints (without their secrets)',
          parameters: paging,
          responses: { '200': jsonBody('WebhookEndpointList', 'One page'), ...problems(422) },
        },
      },
      '/v1/webhooks/{id}': {
        get: {
          operationId: 'getWebhook',
          summary: 'One endpoint',
          parameters: [pathParam('id', 'The endpoint id')],
          responses: { '200': jsonBody('WebhookEndpoint', 'The endpoint'), ...problems(404) },
        },
        patch: {
          operationId: 'updateWebhook',
          summary: 'Change the url, the event types, the description, or turn it on or off',
          parameters: [pathParam('id', 'The endpoint id')],
          requestBody: { required: true, content: { 'application/json': { schema: ref('WebhookEndpointRequest') } } },
          responses: { '200': jsonBody('WebhookEndpoint', 'The endpoint as changed'), ...problems(400, 404, 415, 422) },
        },
        delete: {
          operationId: 'deleteWebhook',
          summary: 'Remove an endpoint; its pending deliveries end failed',
          parameters: [pathParam('id', 'The endpoint id')],
          responses: { '204': { description: 'Removed' }, ...problems(404) },
        },
      },
      '/v1/webhooks/{id}/rotate-secret': {
        post: {
          operationId: 'rotateWebhookSecret',
          summary: 'A new signing secret; the previous one keeps signing beside it for 24 hours',
          parameters: [pathParam('id', 'The endpoint id')],
          responses: { '200': jsonBody('WebhookEndpointCreated', 'The endpoint with its new secret'), ...problems(404) },
        },
      },
      '/v1/webhooks/{id}/deliveries': {
        get: {
          operationId: 'listWebhookDeliveries',
          summary: 'Deliveries to an endpoint, newest first, each with every attempt (kept 30 days)',
          parameters: [pathParam('id', 'The endpoint id'), ...paging],
          responses: { '200': jsonBody('WebhookDeliveryList', 'One page'), ...problems(404, 422) },
        },
      },
      '/v1/webhooks/{id}/deliveries/{deliveryId}/retry': {
        post: {
          operationId: 'retryWebhookDelivery',
          summary: 'Send one delivery again now, with the same webhook-id',
          parameters: [pathParam('id', 'The endpoint id'), pathParam('deliveryId', 'The delivery id')],
          responses: {
            '202': {
              description: 'Queued',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: { endpointId: { type: 'string' }, deliveryId: { type: 'string' }, status: { const: 'pending' } },
                    required: ['endpointId', 'deliveryId', 'status'],
                  },
                },
              },
            },
            ...problems(404, 503),
          },
        },
      },
      '/v1/templates': {
        post: {
          operationId: 'createTemplate',
          summary: 'Store a template (its version 1)',
          description:
            'Handlebars sources of the subject, html and text, and the partials they call. A source that does not compile is 422 naming the part (`html`, `partials.layout`, …) with the line and column.',
          requestBody: { required: true, content: { 'application/json': { schema: ref('CreateTemplateRequest') } } },
          responses: { '201': jsonBody('TemplateVersion', 'Stored'), ...problems(400, 409, 415, 422, 503) },
        },
        get: {
          operationId: 'listTemplates',
          summary: 'Templates in alias order, each as its latest version (without the sources)',
          parameters: paging,
          responses: { '200': jsonBody('TemplateList', 'One page'), ...problems(422) },
        },
      },
      '/v1/templates/{alias}': {
        get: {
          operationId: 'getTemplate',
          summary: 'A template: its latest version, or the one named by `version`',
          parameters: [aliasParam, versionQuery('A version number; the latest when absent')],
          responses: { '200': jsonBody('Template', 'The version'), ...problems(404, 422) },
        },
        put: {
          operationId: 'updateTemplate',
          summary: 'A new version of a template; older versions stay readable',
          parameters: [aliasParam],
          requestBody: { required: true, content: { 'application/json': { schema: ref('TemplateVersionRequest') } } },
          responses: { '200': jsonBody('TemplateVersion', 'The new version'), ...problems(400, 404, 415, 422, 503) },
        },
        delete: {
          operationId: 'deleteTemplate',
          summary: 'Delete a template and every version; messages already accepted keep their content',
          parameters: [aliasParam],
          responses: { '204': { description: 'Deleted' }, ...problems(404, 503) },
        },
      },
      '/v1/templates/{alias}/render': {
        post: {
          operationId: 'renderTemplate',
          summary: 'Render a template with variables, as a send would; nothing is sent',
          parameters: [aliasParam, versionQuery('A version number; the latest when absent')],
          requestBody: { required: true, content: { 'application/json': { schema: ref('RenderTemplateRequest') } } },
          responses: { '200': jsonBody('RenderedTemplate', 'The rendering'), ...problems(400, 404, 415, 422, 503) },
        },
      },
      '/v1/openapi.json': {
        get: {
          operationId: 'getOpenApi',
          summary: 'This document',
          security: [],
          responses: { '200': { description: 'OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } } },
        },
      },
    },
    webhooks: Object.fromEntries(
      WEBHOOK_EVENT_TYPES.map((type) => [
        type,
        {
          post: {
            operationId: `on_${type.replace('.', '_')}`,
            summary: `${type}, POSTed to every endpoint that wants it`,
            description:
              'Signed per the Standard Webhooks specification: `webhook-id` (the event id, the same on every attempt), `webhook-timestamp` (Unix seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, space-separated while a secret rotates). Any 2xx is success; otherwise the delivery is retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h.',
            parameters: ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => ({
              name,
              in: 'header',
              required: true,
              schema: { type: 'string' },
            })),
            requestBody: { required: true, content: { 'application/json': { schema: ref('WebhookEvent') } } },
            responses: { '200': { description: 'Any 2xx: delivered' } },
          },
        },
      ]),
    ),
    components: {
      schemas,
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer <key>`' },
        sigv4: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'AWS Signature Version 4 (service `execute-api`), for the IAM-authorized endpoint',
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
      },
    },
  };
}

/** The document as committed: stable key order, two-space indent, final newline. */
export const renderOpenApi = (version: string): string => `${JSON.stringify(openApiDocument(version), null, 2)}\n`;
