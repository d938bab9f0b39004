import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PublishCommand } from '@aws-sdk/client-sns';
import { DeletePipelineCommand } from '@aws-sdk/client-codepipeline';
import { awsClients, formatCalls, READ_ONLY } from '../../../functions/cli/validate-aws';
import { iamActionsOfCommand } from '../../support/aws-rules/iam-actions';
import { documentedActions } from '../../support/validate-permissions';

const config = { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 };

describe('validate --aws clients', () => {
  it('refuse any call that is not a read, before it leaves the process, and do not count it', async () => {
    const clients = awsClients(config);
    await expect(
      clients.sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Message: 'x' })),
    ).rejects.toThrow('validate --aws refuses sns.Publish: not a read');
    await expect(clients.codepipeline.send(new DeletePipelineCommand({ name: 'p' }))).rejects.toThrow(
      'validate --aws refuses codepipeline.DeletePipeline: not a read',
    );
    expect(clients.calls.size).toBe(0);
  });

  it.each([
    ['GetPipeline', true],
    ['DescribeAlarms', true],
    ['HeadBucket', true],
    ['ListDeployments', true],
    ['BatchGetProjects', true],
    ['BatchGetBuilds', true],
    ['PutApprovalResult', false],
    ['StartPipelineExecution', false],
    ['UpdateEndpoint', false],
  ])('%s is a read: %s', (operation, read) => {
    expect(READ_ONLY.test(operation)).toBe(read);
  });

  it.each([
    [new Map(), '0 read-only calls'],
    [new Map([['s3.HeadBucket', 1]]), '1 read-only call: s3.HeadBucket ×1'],
    [
      new Map([
        ['sns.GetTopicAttributes', 1],
        ['codepipeline.GetPipeline', 2],
      ]),
      '3 read-only calls: codepipeline.GetPipeline ×2, sns.GetTopicAttributes ×1',
    ],
  ])('formatCalls %#', (calls, text) => {
    expect(formatCalls(calls)).toBe(text);
  });
});

describe('the IAM policy docs/policy.md gives for validate --aws', () => {
  it('lists the action of every command an inventory adapter can send', () => {
    const dir = 'functions/adapters/aws/inventory';
    const commands = readdirSync(dir).flatMap((file) => {
      const source = readFileSync(join(dir, file), 'utf8');
      return [...source.matchAll(/import \{([^}]*)\} from '@aws-sdk\/client-([a-z0-9-]+)'/g)].flatMap(
        ([, names, client]) => [...names!.matchAll(/\b(\w+)Command\b/g)].map(([, op]) => `${client}:${op}`),
      );
    });
    expect(commands.length).toBeGreaterThan(15);
    const documented = new Set(documentedActions());
    expect(commands.flatMap(iamActionsOfCommand).filter((a) => !documented.has(a))).toEqual([]);
  });

  it('grants reads only', () => {
    expect(documentedActions().filter((a) => !READ_ONLY.test(a.split(':')[1]!))).toEqual([]);
  });
});
