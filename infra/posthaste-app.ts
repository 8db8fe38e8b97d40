import { App, type AppProps, Tags } from 'aws-cdk-lib';
import { configFromNode, type PosthasteConfig } from './config.js';
import { StatefulStack } from './data-stack.js';
import { acknowledgeNagFindings } from './nag-acknowledgements.js';
import { StatelessStack } from './service-stack.js';

export interface PosthasteApp {
  app: App;
  config: PosthasteConfig;
  stateful: StatefulStack;
  stateless: StatelessStack;
}

/** Builds both stacks; infra/app.ts synthesizes them and test/infra asserts on them. */
export function buildPosthasteApp(props: AppProps = {}): PosthasteApp {
  const app = new App(props);
  const config = configFromNode(app.node);
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const stateful = new StatefulStack(app, `${config.stackPrefix}-Data`, {
    env,
    config,
    description: 'Posthaste data: tables, send queue, payload bucket, SES events topic and configuration set',
  });
  const stateless = new StatelessStack(app, `${config.stackPrefix}-Service`, {
    env,
    config,
    data: stateful,
    description: 'Posthaste service: functions, APIs, alarms and dashboard',
  });
  stateless.addStackDependency(stateful);
  Tags.of(app).add('project', 'posthaste');
  acknowledgeNagFindings(stateful, stateless);
  return { app, config, stateful, stateless };
}
