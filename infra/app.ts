#!/usr/bin/env node
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError } from './config.js';
import { buildPosthasteApp } from './posthaste-app.js';

try {
  const { app } = buildPosthasteApp();
  // Every synth is checked against the AWS Solutions rules: an unacknowledged finding stops it.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
} catch (error) {
  // A context setting to fix: one line naming it, not a stack trace.
  if (!(error instanceof ConfigError)) throw error;
  console.error(`posthaste: ${error.message}`);
  process.exit(1);
}
