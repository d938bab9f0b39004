import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

// The layer boundaries live in eslint.config.js. Each snippet below is linted as if it sat at the
// given path, so a rule that stops matching (a renamed folder, a block that overrides another) fails
// here instead of letting the forbidden import through unnoticed.
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const RULE = '@typescript-eslint/no-restricted-imports';

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: repoRoot });
});

/** The restricted-import messages ESLint reports for `source` placed at `filePath`. */
async function restrictions(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\n`, { filePath });
  return result!.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

type Case = [path: string, source: string];

const forbidden: Case[] = [
  ['functions/domain/probe.ts', "import { S3Client } from '@aws-sdk/client-s3';"],
  ['functions/domain/probe.ts', "import type { S3Client } from '@aws-sdk/client-s3';"],
  ['functions/domain/probe.ts', "import type { HttpRequest } from '@smithy/types';"],
  ['functions/domain/probe.ts', "export { S3Client } from '@aws-sdk/client-s3';"],
  ['functions/domain/probe.ts', "import { readFileSync } from 'node:fs';"],
  ['functions/domain/probe.ts', "import { readFile } from 'fs/promises';"],
  ['functions/domain/probe.ts', "import { spawn } from 'node:child_process';"],
  ['functions/domain/probe.ts', "import { connect } from 'node:net';"],
  ['functions/domain/probe.ts', "import { request } from 'node:http';"],
  ['functions/domain/probe.ts', "import { hostname } from 'node:os';"],
  ['functions/domain/probe.ts', "import { env } from 'node:process';"],
  ['functions/domain/probe.ts', "import { SnsNotifier } from '../adapters/aws/sns';"],
  ['functions/domain/probe.ts', "import type { S3ObjectStore } from '../adapters/aws/s3';"],
  ['functions/domain/probe.ts', "import { GateWorkflow } from '../workflows/gates';"],
  ['functions/domain/probe.ts', "import { handler } from '../handlers/data-arrived';"],
  ['functions/domain/probe.ts', "import { sharedRuntime } from '../config/runtime';"],
  ['functions/domain/probe.ts', "import { bundledPolicy } from '../config/bundling/bundled-policy';"],
  ['functions/domain/probe.ts', "import { main } from '../cli/main';"],
  ['functions/domain/probe.ts', "import * as z from 'zod';"],
  ['functions/domain/probe.ts', "import { policySchema } from '../config/policy';"],
  ['functions/parsing/probe.ts', "import type { SNSEvent } from '@aws-sdk/client-sns';"],
  ['functions/parsing/probe.ts', "import { readFileSync } from 'node:fs';"],
  ['functions/parsing/probe.ts', "import type { RetrainingWorkflow } from '../workflows/retraining';"],
  ['functions/parsing/probe.ts', "import { handler } from '../handlers/data-arrived';"],
  ['functions/parsing/probe.ts', "import { sharedRuntime } from '../config/runtime';"],
  ['functions/ports/probe.ts', "import { SageMakerClient } from '@aws-sdk/client-sagemaker';"],
  ['functions/ports/probe.ts', "import type { DescribeModelPackageCommandOutput } from '@aws-sdk/client-sagemaker';"],
  ['functions/ports/probe.ts', "import { MemoryRunStore } from '../adapters/memory/run-store';"],
  ['functions/ports/probe.ts', "import type { DynamoRunStore } from '../adapters/aws/dynamodb/run-store';"],
  ['functions/ports/probe.ts', "import type { GateWorkflow } from '../workflows/gates';"],
  ['functions/ports/probe.ts', "import type { handler } from '../handlers/alarm-fired';"],
  ['functions/ports/probe.ts', "import * as z from 'zod';"],
  ['functions/handlers/probe.ts', "import { CodePipelineApprovals } from '../adapters/aws/codepipeline-approvals';"],
  ['functions/handlers/probe.ts', "import type { SnsNotifier } from '../adapters/aws/sns';"],
  ['functions/handlers/probe.ts', "import { z } from 'zod';"],
  ['functions/handlers/probe.ts', "import { policySchema } from '../config/policy';"],
  ['functions/workflows/probe.ts', "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';"],
  ['functions/workflows/probe.ts', "import type { NodeHttpHandler } from '@smithy/node-http-handler';"],
  ['functions/workflows/probe.ts', "import { DynamoClaims } from '../adapters/aws/dynamodb/claims';"],
  ['functions/workflows/probe.ts', "import { MemoryClaims } from '../adapters/memory/claims';"],
  ['functions/workflows/probe.ts', "import { policySchema } from '../config/policy';"],
  ['functions/domain/probe.ts', "import { parseS3 } from '../parsing/s3';"],
  ['functions/domain/probe.ts', "import { wireGates } from '../wiring/gates';"],
  ['functions/domain/probe.ts', "import { Guardrails } from '../guardrails';"],
  ['functions/parsing/probe.ts', "import { wireRetraining } from '../wiring/retraining';"],
  ['functions/parsing/probe.ts', "import { Guardrails } from '../guardrails';"],
  ['functions/ports/probe.ts', "import { wired } from '../wiring/context';"],
  ['functions/ports/probe.ts', "import { sharedRuntime } from '../config/runtime';"],
  ['functions/handlers/probe.ts', "import { S3Client } from '@aws-sdk/client-s3';"],
  ['functions/handlers/probe.ts', "import { simulate } from '../cli/simulate';"],
  ['functions/workflows/probe.ts', "import { handler } from '../handlers/alarm-fired';"],
  ['functions/workflows/probe.ts', "import { wireGates } from '../../wiring/gates';"],
  ['functions/workflows/probe.ts', "import { sharedRuntime } from '../config/runtime';"],
  [
    'functions/workflows/gates/probe.ts',
    "import { DynamoDecisionLog } from '../../adapters/aws/dynamodb/decision-log';",
  ],
  ['functions/workflows/gates/probe.ts', "import { guardrailsRuntime } from '../../config/guardrails-runtime';"],
  ['functions/guardrails/probe.ts', "import { DynamoKillSwitch } from '../adapters/aws/dynamodb/kill-switch';"],
  ['functions/guardrails/probe.ts', "import { GateWorkflow } from '../workflows/gates';"],
  ['functions/guardrails/probe.ts', "import { guardrailsRuntime } from '../config/guardrails-runtime';"],
  ['functions/wiring/probe.ts', "import { S3Client } from '@aws-sdk/client-s3';"],
  ['functions/wiring/probe.ts', "import { MemoryClaims } from '../adapters/memory/claims';"],
  ['functions/wiring/probe.ts', "import { DynamoClaims } from '../adapters/aws/dynamodb/claims';"],
  ['functions/wiring/probe.ts', "import { handler } from '../handlers/data-arrived';"],
  ['functions/wiring/probe.ts', "import { sharedRuntime } from '../config/runtime';"],
  ['functions/config/probe-runtime.ts', "import * as z from 'zod';"],
  ['functions/cli/probe.ts', "import * as z from 'zod/mini';"],
];

const allowed: Case[] = [
  ['functions/domain/probe.ts', "import { createHash } from 'node:crypto';"],
  ['functions/domain/probe.ts', "import type { Policy } from '../config/policy';"],
  ['functions/domain/probe.ts', "import type { RollbackBinding } from '../config/policy-rollback';"],
  ['functions/domain/probe.ts', "import type { PlannedWrite } from '../ports/decision-log';"],
  ['functions/domain/probe.ts', "import { writes } from './writes';"],
  ['functions/domain/probe.ts', "import * as z from 'zod/mini';"],
  ['functions/ports/probe.ts', "import type { MetricSource } from '../config/policy-gates';"],
  ['functions/ports/probe.ts', "import { ControllerError } from '../domain/errors';"],
  ['functions/handlers/probe.ts', "import { gatesRuntime } from '../config/gates-runtime';"],
  ['functions/handlers/probe.ts', "import type { GateWorkflow } from '../workflows/gates';"],
  ['functions/handlers/probe.ts', "import { parseS3 } from '../parsing/s3';"],
  ['functions/parsing/probe.ts', "import { describeIssues } from '../domain/validation';"],
  ['functions/parsing/probe.ts', "import type { ModelPackage } from '../ports/model-registry';"],
  ['functions/parsing/probe.ts', "import * as z from 'zod/mini';"],
  ['functions/workflows/probe.ts', "import { createHash } from 'node:crypto';"],
  ['functions/workflows/probe.ts', "import { writes } from '../domain/writes';"],
  ['functions/workflows/probe.ts', "import type { Claims } from '../ports/claims';"],
  ['functions/workflows/probe.ts', "import type { Policy } from '../config/policy';"],
  ['functions/workflows/gates/probe.ts', "import { gateAnswer } from '../../domain/gate-steps';"],
  ['functions/workflows/gates/probe.ts', "import type { GateCheck } from '../../config/policy-gates';"],
  ['functions/guardrails/probe.ts', "import type { Policy } from '../config/policy';"],
  ['functions/guardrails/probe.ts', "import type { WriteTarget } from '../domain/modes';"],
  ['functions/wiring/probe.ts', "import { GateWorkflow } from '../workflows/gates';"],
  ['functions/wiring/probe.ts', "import type { Guardrails } from '../guardrails';"],
  ['functions/wiring/probe.ts', "import type { Policy } from '../config/policy';"],
  // config/*-runtime.ts is where adapters and SDK clients meet: no layer rule applies to it.
  ['functions/config/probe-runtime.ts', "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';"],
  ['functions/config/probe-runtime.ts', "import { DynamoClaims } from '../adapters/aws/dynamodb/claims';"],
  ['functions/cli/probe.ts', "import * as z from 'zod';"],
];

describe('import boundaries (eslint.config.js)', () => {
  it.each(forbidden)('report %s: %s', async (path, source) => {
    expect(await restrictions(path, source)).not.toEqual([]);
  });

  it.each(allowed)('allow %s: %s', async (path, source) => {
    expect(await restrictions(path, source)).toEqual([]);
  });

  it('explain a layer violation by naming the layers', async () => {
    expect(
      await restrictions('functions/handlers/probe.ts', "import { SnsNotifier } from '../adapters/aws/sns';"),
    ).toEqual([expect.stringContaining('handlers/ must not import from adapters/')]);
  });
});
