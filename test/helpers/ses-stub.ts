import { createServer, type Server } from 'node:http';

export type StubAnswer = { error: { status: number; code: string; message: string } } | { xml: string };

/**
 * A stand-in for the SES query API that answers what the test says, including the error
 * responses aws-ses-v2-local cannot produce. Every request's parameters are kept.
 */
export async function startSesStub(answer: (params: URLSearchParams) => StubAnswer) {
  const requests: URLSearchParams[] = [];
  const server: Server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const params = new URLSearchParams(body);
    requests.push(params);
    const reply = answer(params);
    if ('xml' in reply) return res.writeHead(200, { 'content-type': 'text/xml' }).end(reply.xml);
    const { status, code, message } = reply.error;
    res
      .writeHead(status, { 'content-type': 'text/xml' })
      .end(
        `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>stub</RequestId></ErrorResponse>`,
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const sendRawEmailOk = (messageId: string): StubAnswer => ({
  xml: `<SendRawEmailResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><SendRawEmailResult><MessageId>${messageId}</MessageId></SendRawEmailResult><ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata></SendRawEmailResponse>`,
});

export const sendQuota = (maxSendRate: number): StubAnswer => ({
  xml: `<GetSendQuotaResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><GetSendQuotaResult><Max24HourSend>50000.0</Max24HourSend><MaxSendRate>${maxSendRate}.0</MaxSendRate><SentLast24Hours>0.0</SentLast24Hours></GetSendQuotaResult><ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata></GetSendQuotaResponse>`,
});
