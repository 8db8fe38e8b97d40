import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage, type Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { LAMBDA_RUNTIME } from '../../functions/compose/environment.js';
import { bundleFunctionSync, type FunctionName } from '../bundling.js';

/** The repository root: esbuild's working directory, where the entries are found. */
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
  readonly fn: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PosthasteFunctionProps) {
    super(scope, id);
    const { name } = props;
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

    this.fn = new lambda.Function(this, 'Function', {
      code: lambda.Code.fromAsset(PROJECT_ROOT, {
        // Hashed by what the bundle holds, so an unchanged function is not redeployed.
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Never pulled: local bundling either succeeds or throws.
          image: DockerImage.fromRegistry('dummy'),
          local: {
            tryBundle(outputDir) {
              bundleFunctionSync(PROJECT_ROOT, name, outputDir);
              return true;
            },
          },
        },
      }),
      handler: 'index.handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      environment: { ...lambdaRuntime(props.name), ...props.environment },
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
    });
  }

  /** Grants exactly these actions on exactly these resources. */
  allow(actions: string[], resources: string[]): void {
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources }));
  }
}

/** What Node.js and Powertools read on every function (LAMBDA_RUNTIME in the environment contract). */
const lambdaRuntime = (name: FunctionName) =>
  ({ NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: `posthaste-${name}` }) satisfies Record<keyof typeof LAMBDA_RUNTIME, string>;

/** CloudWatch accepts only certain retention periods: the smallest one that keeps logs at least this long. */
export function retentionFor(days: number): logs.RetentionDays {
  const allowed = Object.values(logs.RetentionDays)
    .filter((v): v is number => typeof v === 'number' && v > 0)
    .sort((a, b) => a - b);
  return (allowed.find((d) => d >= days) ?? allowed[allowed.length - 1]!) as logs.RetentionDays;
}
