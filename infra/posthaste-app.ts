import { App, type AppProps, Tags } from 'aws-cdk-lib';
import { configFromNode, type PosthasteConfig } from './config.js';
import { DataStack } from './data-stack.js';
import { acknowledgeNagFindings } from './nag-acknowledgements.js';
import { ServiceStack } from './service-stack.js';

export interface PosthasteApp {
  app: App;
  config: PosthasteConfig;
  dataStack: DataStack;
  serviceStack: ServiceStack;
}

/** Builds both stacks; infra/app.ts synthesizes them and test/infra asserts on them. */
export function buildPosthasteApp(props: AppProps = {}): PosthasteApp {
  const app = new App(props);
  const config = configFromNode(app.node);
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const dataStack = new DataStack(app, `${config.stackPrefix}-Data`, {
    env,
    config,
    description: 'Posthaste data: tables, send queue, payload bucket, SES events topic and configuration set',
  });
  const serviceStack = new ServiceStack(app, `${config.stackPrefix}-Service`, {
    env,
    config,
    data: dataStack,
    description: 'Posthaste service: functions, APIs, alarms and dashboard',
  });
  serviceStack.addStackDependency(dataStack);
  Tags.of(app).add('project', 'posthaste');
  acknowledgeNagFindings(dataStack, serviceStack);
  return { app, config, dataStack, serviceStack };
}
