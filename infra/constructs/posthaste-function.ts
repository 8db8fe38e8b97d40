import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ESBUILD_OPTIONS, FUNCTION_ENTRIES, type FunctionName } from '../bundling.js';

/** The repository root: entries, package-lock.json and tsconfig.json are found from here. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface PosthasteFunctionProps {
  name: FunctionName;
  description: string;
  environment: Record<string, string>;
  timeout: Duration;
  memorySize?: number;
  logRetentionDays: number;
  removalPolicy: RemovalPolicy;
  /** Where failed asynchronous invocations go (SNS-triggered functions). */
  deadLetterQueue?: lambda.FunctionProps['deadLetterQueue'];
}

/**
 * Every Posthaste Lambda: bundled by the local esbuild (no Docker) with the options bench/
 * measures, Node 22 on ARM64 as ESM, the SDK bundled and pinned, its own log group with a
 * retention, X-Ray tracing, and a role that starts with nothing but writing its own logs.
 * Callers add the exact actions the function needs with `allow()`.
 */
export class PosthasteFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PosthasteFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: retentionFor(props.logRetentionDays),
      removalPolicy: props.removalPolicy,
    });
    // Our own role instead of AWSLambdaBasicExecutionRole: it may write to this log group only.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `posthaste ${props.name} function`,
    });
    this.allow(['logs:CreateLogStream', 'logs:PutLogEvents'], [`${this.logGroup.logGroupArn}`]);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: join(PROJECT_ROOT, FUNCTION_ENTRIES[props.name]),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      awsSdkConnectionReuse: false, // SDK v3 reuses connections itself; the flag is for v2.
      environment: { NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: `posthaste-${props.name}`, ...props.environment },
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: ESBUILD_OPTIONS.target,
        minify: ESBUILD_OPTIONS.minify,
        sourceMap: ESBUILD_OPTIONS.sourcemap,
        sourceMapMode: SourceMapMode.DEFAULT,
        mainFields: [...ESBUILD_OPTIONS.mainFields],
        banner: ESBUILD_OPTIONS.banner.js,
        bundleAwsSDK: true,
        externalModules: [...ESBUILD_OPTIONS.external],
        esbuildArgs: Object.fromEntries(Object.entries(ESBUILD_OPTIONS.alias).map(([from, to]) => [`--alias:${from}`, to])),
      },
    });
  }

  /** Grants exactly these actions on exactly these resources. */
  allow(actions: string[], resources: string[]): void {
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources }));
  }
}

/** CloudWatch accepts only certain retention periods: the smallest one that keeps logs at least this long. */
export function retentionFor(days: number): logs.RetentionDays {
  const allowed = Object.values(logs.RetentionDays)
    .filter((v): v is number => typeof v === 'number' && v > 0)
    .sort((a, b) => a - b);
  return (allowed.find((d) => d >= days) ?? allowed[allowed.length - 1]!) as logs.RetentionDays;
}
