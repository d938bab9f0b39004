import { readFileSync } from 'node:fs';
import { parsePolicyText } from '../../../functions/config/policy';
import { packagedTemplate } from '../../support/packaged-template';
import { STACK, evaluate } from '../../support/role-simulation';

const template = packagedTemplate();
const policy = parsePolicyText(readFileSync('controller.yml', 'utf8'));
const { partition, region, account } = STACK;
const cd = policy.rollback.find((b) => b.codedeploy)!.codedeploy!;
const group = (app: string, name: string) =>
  `arn:${partition}:codedeploy:${region}:${account}:deploymentgroup:${app}/${name}`;

describe('the alarm function may make the redeploy and follow it (iam-simulate on the packaged role)', () => {
  it.each([
    // CreateDeployment with overrideAlarmConfiguration needs UpdateDeploymentGroup on the group.
    ['codedeploy:CreateDeployment', group(cd.application, cd.deploymentGroup)],
    ['codedeploy:UpdateDeploymentGroup', group(cd.application, cd.deploymentGroup)],
    // The rollback tick reads the redeployment back until it ends.
    ['codedeploy:GetDeployment', group(cd.application, cd.deploymentGroup)],
    // A Lambda group: the live version of the alias the good AppSpec names.
    ['lambda:GetAlias', `arn:${partition}:lambda:${region}:${account}:function:churn-predict`],
    // An ECS group: the task definition's status (no resource type: authorized on "*").
    ['ecs:DescribeTaskDefinition', '*'],
  ])('allows %s on %s', async (action, resource) => {
    expect(await evaluate(template, 'AlarmRollbackRole', { action, resource })).toBe('Allowed');
  });

  it.each([
    ['codedeploy:UpdateDeploymentGroup', group(cd.application, 'another-group')],
    ['codedeploy:GetDeployment', group('another-app', cd.deploymentGroup)],
    ['lambda:GetAlias', `arn:${partition}:lambda:${region}:210987654321:function:churn-predict`],
    ['lambda:GetAlias', `arn:${partition}:lambda:eu-west-1:${account}:function:churn-predict`],
  ])('denies %s on %s, outside the bound group or the stack account and region', async (action, resource) => {
    expect(await evaluate(template, 'AlarmRollbackRole', { action, resource })).toBe('ImplicitlyDenied');
  });
});
