import { validatePolicy } from '../../../functions/config/policy';
import { PolicyError } from '../../../functions/domain/errors';
import { gateInput } from '../../support/gates-harness';
import { policyInput } from '../../support/policies';

/** The policy problems of a document with these rollback/hooks/stageRetry sections ([] when valid). */
function problems(extra: Record<string, unknown>): string[] {
  try {
    validatePolicy({ ...policyInput([]), ...extra });
    return [];
  } catch (error) {
    if (error instanceof PolicyError) return error.problems;
    throw error;
  }
}

const binding = (fields: Record<string, unknown>) => ({
  rollback: [{ name: 'churn-live', alarms: { names: ['churn-errors'] }, ...fields }],
});

// Each name is sent in a request whose model forbids it: the rollback would fail mid-incident with
// a ValidationException, so the policy must refuse it when it is loaded.
describe('rollback and gate names the AWS models refuse are refused by the policy', () => {
  it.each<[string, Record<string, unknown>]>([
    ['an endpoint name with "_" (UpdateEndpoint EndpointName)', binding({ endpoint: { name: 'churn_live' } })],
    ['an endpoint name over 63 characters', binding({ endpoint: { name: 'e'.repeat(64) } })],
    ['a model package group with "_" (ListModelPackages)', binding({ modelPackageGroup: 'churn_models' })],
    [
      'a freeze pipeline with a space (DisableStageTransition)',
      binding({ freeze: { pipeline: 'churn deploy', stage: 'Deploy' } }),
    ],
    ['a freeze stage over 100 characters', binding({ freeze: { pipeline: 'churn-deploy', stage: 's'.repeat(101) } })],
    [
      'a CodeDeploy application over 100 characters',
      binding({ codedeploy: { application: 'a'.repeat(101), deploymentGroup: 'g' } }),
    ],
    [
      'a hook smoke endpoint with "." (InvokeEndpoint)',
      { hooks: [{ application: 'churn', smoke: { endpoint: 'churn.live', payload: 's3://b/k' } }] },
    ],
    ['a stage-retry pipeline with "/"', { stageRetry: [{ pipeline: 'churn/deploy', stages: ['Deploy'] }] }],
    [
      'a gate approval action with a space (PutApprovalResult)',
      {
        gates: [
          gateInput({
            approvals: [
              { pipeline: 'churn-deploy', stage: 'Approval', action: 'Quality Gate', package: { status: 'Approved' } },
            ],
          }),
        ],
      },
    ],
  ])('%s', (_name, extra) => {
    expect(problems(extra)).not.toEqual([]);
  });

  it.each<[string, Record<string, unknown>]>([
    [
      'an endpoint, a group, a freeze and CodeDeploy names in range',
      binding({
        endpoint: { name: 'churn-live' },
        modelPackageGroup: 'churn-models',
        freeze: { pipeline: 'churn-deploy', stage: 'Deploy' },
        codedeploy: { application: 'churn-app', deploymentGroup: 'churn_group' },
      }),
    ],
    [
      'a model package group given by ARN',
      binding({ modelPackageGroup: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package-group/churn-models' }),
    ],
  ])('accepts %s', (_name, extra) => {
    expect(problems(extra)).toEqual([]);
  });
});
