import { readFileSync } from 'node:fs';
import type { DynamoDBClient, GetItemCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoKillSwitch } from '../../../functions/adapters/aws/dynamodb/kill-switch';
import { parsePolicyText } from '../../../functions/config/policy';
import { packagedTemplate } from '../../support/packaged-template';
import { STACK, evaluate, resolve, type AuthorizedCall } from '../../support/role-simulation';

const template = packagedTemplate();
const policy = parsePolicyText(readFileSync('controller.yml', 'utf8'));
const { partition, region, account } = STACK;

/**
 * The GetItem the kill switch's adapter sends (Guardrails.withholding → DynamoKillSwitch.state) for
 * the table the function's STATE_TABLE names, as IAM authorizes it: the table's ARN and the
 * partition key it reads as dynamodb:LeadingKeys.
 */
async function killSwitchRead(functionId: string): Promise<AuthorizedCall> {
  const table = resolve(template, template.Resources[functionId]!.Properties.Environment.Variables.STATE_TABLE);
  const sent: GetItemCommandInput[] = [];
  const client = {
    send: async (command: { input: GetItemCommandInput }) => {
      sent.push(command.input);
      return {};
    },
  } as unknown as DynamoDBClient;
  await new DynamoKillSwitch(client, table as string).state({ fresh: true });
  expect(sent).toHaveLength(1);
  const [input] = sent as [GetItemCommandInput];
  return {
    action: 'dynamodb:GetItem',
    resource: `arn:${partition}:dynamodb:${region}:${account}:table/${input.TableName}`,
    context: { 'dynamodb:LeadingKeys': [input.Key!.pk!.S!] },
  };
}

const approval = policy.gates.flatMap((g) => g.approvals)[0]!;
const hook = policy.hooks[0]!;

describe('the packaged roles allow the kill-switch read before an answer (iam-simulate)', () => {
  it('lets approvalGate read the kill switch and then answer its bound approval', async () => {
    expect(await evaluate(template, 'ApprovalGateRole', await killSwitchRead('ApprovalGateLambdaFunction'))).toBe(
      'Allowed',
    );
    expect(
      await evaluate(template, 'ApprovalGateRole', {
        action: 'codepipeline:PutApprovalResult',
        resource: `arn:${partition}:codepipeline:${region}:${account}:${approval.pipeline}/${approval.stage}/${approval.action}`,
      }),
    ).toBe('Allowed');
  });

  it('lets deploymentHook read the kill switch before a Failed answer, and answer its hook', async () => {
    expect(await evaluate(template, 'DeploymentHookRole', await killSwitchRead('DeploymentHookLambdaFunction'))).toBe(
      'Allowed',
    );
    expect(
      await evaluate(template, 'DeploymentHookRole', {
        action: 'codedeploy:PutLifecycleEventHookExecutionStatus',
        // No resource type in the Service Authorization Reference: IAM authorizes the call on "*".
        resource: '*',
      }),
    ).toBe('Allowed');
    expect(
      await evaluate(template, 'DeploymentHookRole', {
        action: 'codedeploy:GetDeployment',
        resource: `arn:${partition}:codedeploy:${region}:${account}:deploymentgroup:${hook.application}/${hook.deploymentGroup}`,
      }),
    ).toBe('Allowed');
  });

  it('grants the kill-switch read on the switch\u2019s partition only: other items stay unreadable', async () => {
    for (const [role, fn] of [
      ['ApprovalGateRole', 'ApprovalGateLambdaFunction'],
      ['DeploymentHookRole', 'DeploymentHookLambdaFunction'],
    ] as const) {
      const read = await killSwitchRead(fn);
      expect(await evaluate(template, role, { ...read, context: { 'dynamodb:LeadingKeys': ['DECISION#x'] } })).toBe(
        'ImplicitlyDenied',
      );
    }
  });
});
