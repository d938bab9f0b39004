import { functionOfArn } from '../../../functions/cli/redrive';
import { packagedTemplate } from '../../support/packaged-template';

const template = packagedTemplate();
const rules = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Events::Rule');

function ruleNamed(suffix: string) {
  const rule = rules.find((r) => String(r.Properties?.Name).endsWith(suffix));
  if (!rule) throw new Error(`no EventBridge rule named *${suffix} in the packaged template`);
  return rule.Properties;
}

describe('EventBridge rules and function names in the packaged CloudFormation template (osls package)', () => {
  // The user guide's pipeline-level states: STARTED, SUCCEEDED, RESUMED, FAILED, CANCELED, SUPERSEDED
  // (STOPPED after a stop). A misspelt state matches nothing and never releases the exclusive guard.
  it('the CodePipeline finished rule matches every terminal state as CodePipeline spells it', () => {
    const { EventPattern } = ruleNamed('-codepipeline-finished');
    expect(EventPattern['detail-type']).toEqual(['CodePipeline Pipeline Execution State Change']);
    expect([...EventPattern.detail.state].sort()).toEqual(['CANCELED', 'FAILED', 'STOPPED', 'SUCCEEDED', 'SUPERSEDED']);
  });

  // AWSCodeDeployRoleForLambda, the managed policy of the standard CodeDeploy service role, allows
  // lambda:InvokeFunction only on arn:aws:lambda:*:*:function:CodeDeployHook_*.
  it('names the deployment hook CodeDeployHook_<service>-<stage>-deploymentHook, a valid Lambda name', () => {
    const hook = template.Resources.DeploymentHookLambdaFunction!.Properties;
    expect(hook.FunctionName).toBe('CodeDeployHook_mlops-controller-dev-deploymentHook');
    expect(hook.FunctionName).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    // A failed invocation's record names the function by ARN; redrive still finds its handler.
    expect(functionOfArn(`arn:aws:lambda:us-east-1:123456789012:function:${hook.FunctionName}`)).toBe('deploymentHook');
  });
});
