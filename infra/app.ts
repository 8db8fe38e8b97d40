#!/usr/bin/env node
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildPosthasteApp } from './posthaste-app.js';

const { app } = buildPosthasteApp();
// Every synth is checked against the AWS Solutions rules: an unacknowledged finding stops it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
