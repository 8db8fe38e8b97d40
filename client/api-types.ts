// Generated from docs/openapi.json by client/write-api-types.ts (`npm run openapi`). Do not edit.

export interface paths {
    "/v1/emails": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send one email, now or at `scheduledAt` */
        post: operations["sendEmail"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/emails/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send up to 100 emails in one call
         * @description Valid items are accepted even when others are not. 202: every item was accepted; 207: at least one was not (its result holds a problem whose `field` starts with the item index, e.g. `[3].to`). An Idempotency-Key covers the whole batch.
         */
        post: operations["sendBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/emails/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Status and history of an email */
        get: operations["getEmail"];
        put?: never;
        post?: never;
        /**
         * Cancel an email that has not been handed to delivery
         * @description A scheduled email, or a queued one no worker has picked up yet, becomes `canceled` and is never sent. Canceling twice answers the same; an email already handed to delivery is 409 `not_cancelable`.
         */
        delete: operations["cancelEmail"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/suppressions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Addresses Posthaste no longer sends to */
        get: operations["listSuppressions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/suppressions/{address}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Why an address is suppressed */
        get: operations["getSuppression"];
        put?: never;
        post?: never;
        /** Send to an address again */
        delete: operations["removeSuppression"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/bounces": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Bounce and complaint records of a recipient, newest first */
        get: operations["listBounces"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This document */
        get: operations["getOpenApi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Mailbox: string | {
            name?: string;
            email: string;
        };
        SendEmailRequest: {
            from: components["schemas"]["Mailbox"];
            /** @description One address or a list of them */
            to: components["schemas"]["Mailbox"] | components["schemas"]["Mailbox"][];
            /** @description One address or a list of them */
            cc?: components["schemas"]["Mailbox"] | components["schemas"]["Mailbox"][];
            /** @description One address or a list of them */
            bcc?: components["schemas"]["Mailbox"] | components["schemas"]["Mailbox"][];
            /** @description One address or a list of them */
            replyTo?: components["schemas"]["Mailbox"] | components["schemas"]["Mailbox"][];
            subject: string;
            text?: string;
            html?: string;
            attachments?: {
                filename: string;
                content: string;
                /** @default application/octet-stream */
                contentType?: string;
                contentId?: string;
            }[];
            headers?: {
                [key: string]: string;
            };
            tags?: {
                name: string;
                value: string;
            }[];
            /** Format: date-time */
            scheduledAt?: string;
        };
        SendBatchRequest: components["schemas"]["SendEmailRequest"][];
        Accepted: {
            id: string;
            /** @enum {string} */
            status: "queued" | "scheduled";
            /** @description When a scheduled message is due */
            scheduledAt?: string;
        };
        Email: {
            id: string;
            /** @enum {string} */
            status: "scheduled" | "queued" | "sent" | "delivered" | "bounced" | "complained" | "failed" | "suppressed" | "canceled";
            /** @description ISO 8601 date-time (UTC) */
            createdAt: string;
            /** @description ISO 8601 date-time (UTC) */
            updatedAt: string;
            from: string;
            to: string[];
            cc: string[];
            bcc: string[];
            subject: string;
            tags: {
                name: string;
                value: string;
            }[];
            attempts: number;
            relayResponse?: string;
            providerMessageId?: string;
            failureReason?: string;
            /** @description ISO 8601 date-time (UTC) */
            scheduledAt?: string;
            events: components["schemas"]["EmailEvent"][];
        };
        EmailEvent: {
            /** @description scheduled, queued, sent, retry, failed, recipient_rejected, delivered, bounced, complained, canceled, requeued, opened, clicked, … */
            type: string;
            /** @description ISO 8601 date-time (UTC) */
            at: string;
            recipients?: string[];
            /** @description The relay's or SES's own words */
            response?: string;
            detail?: string;
            /** @description Clicks: the link followed */
            link?: string;
            /** @description Opens and clicks: the reader's user agent */
            userAgent?: string;
        };
        Canceled: {
            id: string;
            /** @constant */
            status: "canceled";
        };
        /** @description 202 when every item was accepted, 207 when at least one was not; one result per item, in request order */
        BatchResult: {
            results: ({
                id: string;
                /** @enum {string} */
                status: "queued" | "scheduled";
                /** @description When a scheduled message is due */
                scheduledAt?: string;
                /** @description Position of the item in the request */
                index: number;
            } | {
                index: number;
                error: components["schemas"]["Problem"];
            })[];
            accepted: number;
            failed: number;
        };
        /** @description RFC 9457 problem document (application/problem+json) */
        Problem: {
            /** @description urn:posthaste:problem:<code> */
            type: string;
            title: string;
            status: number;
            /**
             * @description Stable error code
             * @enum {string}
             */
            code: "invalid_json" | "unsupported_media_type" | "validation_failed" | "too_many_recipients" | "sender_not_allowed" | "payload_too_large" | "idempotency_key_conflict" | "idempotency_key_in_use" | "not_found" | "not_cancelable" | "method_not_allowed" | "service_unavailable" | "internal_error";
            detail: string;
            /** @description The first failing field, e.g. `to`, `attachments[0].content`, or `[3].to` in a batch */
            field?: string;
            errors?: {
                field: string;
                message: string;
            }[];
            /** @description Request id */
            instance?: string;
        };
        Suppression: {
            address: string;
            /** @enum {string} */
            reason: "bounce" | "complaint";
            /** @enum {string} */
            origin: "ses" | "smtp";
            /** @description ISO 8601 date-time (UTC) */
            createdAt: string;
            messageId?: string;
            sesMessageId?: string;
            feedbackId?: string;
            bounceType?: string;
            bounceSubType?: string;
            diagnosticCode?: string;
        };
        SuppressionList: {
            data: components["schemas"]["Suppression"][];
            /** @description Pass as `cursor` for the next page; absent on the last page */
            nextCursor?: string;
        };
        Bounce: {
            recipient: string;
            feedbackKey: string;
            /** @enum {string} */
            type: "bounce" | "complaint";
            /** @description ISO 8601 date-time (UTC) */
            timestamp: string;
            feedbackId: string;
            /** @enum {string} */
            origin: "ses" | "smtp";
            /** @description ISO 8601 date-time (UTC) */
            recordedAt: string;
            messageId?: string;
            sesMessageId?: string;
            /** @description ISO 8601 date-time (UTC) */
            sentAt?: string;
            from?: string;
            subject?: string;
            bounceType?: string;
            bounceSubType?: string;
            diagnosticCode?: string;
            status?: string;
            action?: string;
            reportingMTA?: string;
            remoteMtaIp?: string;
            complaintFeedbackType?: string;
            complaintSubType?: string;
            userAgent?: string;
            arrivalDate?: string;
        };
        BounceList: {
            data: components["schemas"]["Bounce"][];
            /** @description Pass as `cursor` for the next page; absent on the last page */
            nextCursor?: string;
        };
        GatewayError: {
            message: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    sendEmail: {
        parameters: {
            query?: never;
            header?: {
                /** @description The same key and body within 24 hours returns the first response and sends nothing; the same key with another body is 409. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SendEmailRequest"];
            };
        };
        responses: {
            /** @description Queued, or scheduled when `scheduledAt` was given */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            /** @description The body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or unknown credentials (answered by API Gateway) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayError"];
                };
            };
            /** @description Credentials not allowed here (answered by API Gateway, application/json), or a sender domain that is not allowed (sender_not_allowed, problem+json) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayError"];
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The message is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A field is invalid; `field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dependency is unavailable; nothing was changed, try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    sendBatch: {
        parameters: {
            query?: never;
            header?: {
                /** @description The same key and body within 24 hours returns the first response and sends nothing; the same key with another body is 409. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SendBatchRequest"];
            };
        };
        responses: {
            /** @description Every item was accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchResult"];
                };
            };
            /** @description Some items were not accepted; see each result */
            207: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchResult"];
                };
            };
            /** @description The body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No or unknown credentials (answered by API Gateway) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayError"];
                };
            };
            /** @description Credentials not allowed here (answered by API Gateway, application/json), or a sender domain that is not allowed (sender_not_allowed, problem+json) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayError"];
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The message is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A field is invalid; `field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dependency is unavailable; nothing was changed, try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getEmail: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id returned when the email was sent */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The email */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Email"];
                };
            };
            /** @description No or unknown credentials (answered by API Gateway) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayError"];
                };
            };
            /** @description Credentials not allowed here (answered by API Gateway, application/json), or a sender domain that is not allowed (sender_not_allowed, problem+json) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayError"];
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    cancelEmail: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id returned when the email was sent */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Canceled */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Canceled"];
                };
            };
            /** @description No or unknown credentials (answered by API Gateway) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayError"];
                };
            };
            /** @description Credentials not allowed here (answered by API Gateway, application/json), or a sender domain that is not allowed (sender_not_allowed, problem+json) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayError"];
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listSuppressions: {
        parameters: {
            query?: {
                /** @description The `nextCursor` of the previous page */
                cursor?: string;
                /** @description Page size, 1-100 (default 50) */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuppressionList"];
                };
            };
            /** @description No or unknown credentials (answered by API Gateway) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayError"];
                };
            };
            /** @description Credentials not allowed here (answered by API Gateway, application/json), or a sender domain that is not allowed (sender_not_allowed, problem+json) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayError"];
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A field is invalid; `field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSuppression: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Email address (percent-encoded) */
                address: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The suppression entry */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Suppression"];
                };
            };
            /** @description No or unknown credentials (answered by API Gateway) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayError"];
                };
            };
            /** @description Credentials not allowed here (answered by API Gateway, application/json), or a sender domain that is not allowed (sender_not_allowed, problem+json) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayError"];
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A field is invalid; `field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    removeSuppression: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Email address (percent-encoded) */
                address: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No or unknown credentials (answered by API Gateway) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayError"];
                };
            };
            /** @description Credentials not allowed here (answered by API Gateway, application/json), or a sender domain that is not allowed (sender_not_allowed, problem+json) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayError"];
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A field is invalid; `field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listBounces: {
        parameters: {
            query: {
                /** @description Email address */
                recipient: string;
                /** @description The `nextCursor` of the previous page */
                cursor?: string;
                /** @description Page size, 1-100 (default 50) */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BounceList"];
                };
            };
            /** @description No or unknown credentials (answered by API Gateway) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayError"];
                };
            };
            /** @description Credentials not allowed here (answered by API Gateway, application/json), or a sender domain that is not allowed (sender_not_allowed, problem+json) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayError"];
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A field is invalid; `field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getOpenApi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OpenAPI 3.1 document */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
        };
    };
}
