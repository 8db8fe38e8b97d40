import { AssetHashType, DockerImage, type Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import { functionDefaults } from '../../functions/compose/environment.js';
import { buildOptionsFor, ENTRY_FILE, type FunctionName, PROJECT_ROOT } from '../bundling.js';

export { PROJECT_ROOT } from '../bundling.js';

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
 *
 * Not NodejsFunction: it bundles to one file (`--outfile`), and code splitting, which keeps
 * the transport the deliver function does not use out of what it loads, needs an output
 * folder. The code is staged the way NodejsFunction stages it (local bundling, hashed by
 * output, skipped with the `aws:cdk:bundling-stacks` context).
 */
export class PosthasteFunction extends Construct {
  readonly fn: lambda.Function;
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

    this.fn = new lambda.Function(this, 'Function', {
      code: functionCode(props.name),
      handler: `${ENTRY_FILE.replace(/\.mjs$/, '')}.handler`,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      environment: { ...functionDefaults(`posthaste-${props.name}`), ...props.environment },
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
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

/** The function's bundle as a code asset: esbuild runs in this process when the asset is staged. */
function functionCode(name: FunctionName): lambda.Code {
  return lambda.Code.fromAsset(PROJECT_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Only used if local bundling declines, which it never does.
      image: DockerImage.fromRegistry('dummy'),
      local: {
        tryBundle(outputDir) {
          buildSync(buildOptionsFor(name, outputDir));
          return true;
        },
      },
    },
  });
}
