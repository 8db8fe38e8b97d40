/**
 * AWS credentials, or a function that resolves them (any provider of the AWS SDK fits).
 * Written out here rather than imported from @smithy/types so that the published
 * declarations need no AWS package to type-check.
 */
export type SigV4Credentials =
  | { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined; expiration?: Date | undefined }
  | (() => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined; expiration?: Date | undefined }>);

export interface SigV4Options {
  /** Defaults to AWS_REGION, then the region in an execute-api host name. */
  region?: string;
  /** Defaults to the SDK's default provider chain (env, profile, SSO, instance role, …). */
  credentials?: SigV4Credentials;
  /** `execute-api` for API Gateway. */
  service?: string;
}

const regionOfHost = (host: string): string | undefined => /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(host)?.[1];

/**
 * Signs requests for the IAM-authorized endpoint. The signing libraries are loaded on the
 * first signed request, so a client that uses API keys never loads them.
 */
export function sigV4Signer(options: SigV4Options) {
  let signer: Promise<{ sign: (request: never) => Promise<{ headers: Record<string, string> }> }> | undefined;
  return async (request: { method: string; url: URL; headers: Record<string, string>; body?: string }): Promise<Record<string, string>> => {
    signer ??= (async () => {
      const [{ SignatureV4 }, { Sha256 }] = await Promise.all([import('@smithy/signature-v4'), import('@aws-crypto/sha256-js')]);
      const credentials = options.credentials ?? (await import('@aws-sdk/credential-provider-node')).defaultProvider();
      const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? regionOfHost(request.url.hostname);
      if (!region) throw new Error('SigV4 needs a region: pass sigv4.region or set AWS_REGION');
      return new SignatureV4({ service: options.service ?? 'execute-api', region, credentials, sha256: Sha256 }) as never;
    })();
    const { url } = request;
    const signed = await (await signer).sign({
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...request.headers, host: url.host },
      ...(request.body !== undefined ? { body: request.body } : {}),
    } as never);
    return signed.headers;
  };
}
