import { packagedTemplate } from '../../support/packaged-template';

const template = packagedTemplate();
const rules = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Events::Rule');

function ruleNamed(suffix: string) {
  const rule = rules.find((r) => String(r.Properties?.Name).endsWith(suffix));
  if (!rule) throw new Error(`no EventBridge rule named *${suffix} in the packaged template`);
  return rule.Properties;
}

describe('EventBridge rules in the packaged CloudFormation template (osls package)', () => {
  // The user guide's pipeline-level states: STARTED, SUCCEEDED, RESUMED, FAILED, CANCELED, SUPERSEDED
  // (STOPPED after a stop). A misspelt state matches nothing and never releases the exclusive guard.
  it('the CodePipeline finished rule matches every terminal state as CodePipeline spells it', () => {
    const { EventPattern } = ruleNamed('-codepipeline-finished');
    expect(EventPattern['detail-type']).toEqual(['CodePipeline Pipeline Execution State Change']);
    expect([...EventPattern.detail.state].sort()).toEqual(['CANCELED', 'FAILED', 'STOPPED', 'SUCCEEDED', 'SUPERSEDED']);
  });
});
