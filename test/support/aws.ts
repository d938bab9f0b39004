/**
 * Helpers for integration tests against the moto server that moto-global-setup.ts starts once per
 * run. Every test file shares that server: name resources with `uniqueName` instead of resetting.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  UpdateContinuousBackupsCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { parse as parseYaml } from 'yaml';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const stateTableFile = join(repoRoot, 'infra', 'state-table.yml');

export function motoEndpoint(): string {
  const endpoint = process.env.MOTO_ENDPOINT;
  if (!endpoint)
    throw new Error(
      'MOTO_ENDPOINT is not set: run integration tests through jest (`npm run test:integration`), whose globalSetup starts moto',
    );
  return endpoint;
}

/**
 * Client configuration for any SDK v3 client pointed at moto. `forcePathStyle` matters to S3 only
 * (moto on 127.0.0.1 has no per-bucket host names); other clients ignore it. One attempt: moto does
 * not throttle, so a retry would only hide a real failure and slow the run down.
 */
export function awsClientConfig() {
  return {
    endpoint: motoEndpoint(),
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing', sessionToken: 'testing' },
    forcePathStyle: true,
    maxAttempts: 1,
  };
}

/** Names valid for S3 buckets, DynamoDB tables and pipelines alike: lowercase, digits and "-", ≤ 63. */
export function uniqueName(prefix: string): string {
  const suffix = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const head = prefix
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63 - suffix.length - 1);
  return `${head || 'test'}-${suffix}`;
}

interface CfnTable {
  BillingMode?: CreateTableCommandInput['BillingMode'];
  AttributeDefinitions: CreateTableCommandInput['AttributeDefinitions'];
  KeySchema: CreateTableCommandInput['KeySchema'];
  GlobalSecondaryIndexes?: CreateTableCommandInput['GlobalSecondaryIndexes'];
  LocalSecondaryIndexes?: CreateTableCommandInput['LocalSecondaryIndexes'];
  ProvisionedThroughput?: CreateTableCommandInput['ProvisionedThroughput'];
  StreamSpecification?: {
    StreamViewType: NonNullable<CreateTableCommandInput['StreamSpecification']>['StreamViewType'];
  };
  SSESpecification?: { SSEEnabled?: boolean; SSEType?: 'KMS' | 'AES256'; KMSMasterKeyId?: string };
  TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
  PointInTimeRecoverySpecification?: { PointInTimeRecoveryEnabled: boolean };
}

/** The table's CloudFormation properties, read from the file the stack deploys. */
export function stateTableProperties(file = stateTableFile): CfnTable {
  // Intrinsic-function tags (!Sub, !Ref) only ever appear in fields we do not read: stay quiet about them.
  const template = parseYaml(readFileSync(file, 'utf8'), { logLevel: 'silent' }) as {
    Resources?: Record<string, { Type?: string; Properties?: CfnTable }>;
  };
  const tables = Object.values(template.Resources ?? {}).filter((r) => r.Type === 'AWS::DynamoDB::Table');
  if (tables.length !== 1 || !tables[0]?.Properties)
    throw new Error(`${file}: expected exactly one AWS::DynamoDB::Table`);
  return tables[0].Properties;
}

/**
 * Creates the controller's state table in moto from infra/state-table.yml, translating the
 * CloudFormation properties to the API: CreateTable for keys, billing, indexes, streams and SSE
 * (moto accepts SSESpecification), then UpdateTimeToLive and UpdateContinuousBackups (PITR), which
 * CreateTable cannot set.
 */
export async function createStateTable(client: DynamoDBClient, name: string): Promise<CreateTableCommandInput> {
  const p = stateTableProperties();
  const input: CreateTableCommandInput = {
    TableName: name,
    BillingMode: p.BillingMode ?? 'PROVISIONED',
    AttributeDefinitions: p.AttributeDefinitions,
    KeySchema: p.KeySchema,
    ...(p.GlobalSecondaryIndexes ? { GlobalSecondaryIndexes: p.GlobalSecondaryIndexes } : {}),
    ...(p.LocalSecondaryIndexes ? { LocalSecondaryIndexes: p.LocalSecondaryIndexes } : {}),
    ...(p.ProvisionedThroughput ? { ProvisionedThroughput: p.ProvisionedThroughput } : {}),
    ...(p.StreamSpecification
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: p.StreamSpecification.StreamViewType } }
      : {}),
    ...(p.SSESpecification
      ? {
          SSESpecification: {
            Enabled: p.SSESpecification.SSEEnabled ?? false,
            ...(p.SSESpecification.SSEType ? { SSEType: p.SSESpecification.SSEType } : {}),
            ...(p.SSESpecification.KMSMasterKeyId ? { KMSMasterKeyId: p.SSESpecification.KMSMasterKeyId } : {}),
          },
        }
      : {}),
  };
  await client.send(new CreateTableCommand(input));
  if (p.TimeToLiveSpecification?.Enabled)
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: p.TimeToLiveSpecification }),
    );
  if (p.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled)
    await client.send(
      new UpdateContinuousBackupsCommand({
        TableName: name,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    );
  return input;
}

/**
 * Wipes every resource in moto. The server is shared by all test files running in parallel, so
 * only call this from a suite that runs alone; unique names are the normal way to isolate tests.
 */
export async function resetMoto(): Promise<void> {
  const response = await fetch(`${motoEndpoint()}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
}
