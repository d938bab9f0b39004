import type { Gate, GateCheck } from '../../../functions/config/policy-gates';
import {
  approvalPackageProblem,
  evaluation,
  gateAnswer,
  gateEvidence,
  judgeableSnapshot,
  notificationStep,
  packageLabel,
  problemEvaluation,
  registryStep,
  sameCheckedInputs,
  tokenStep,
} from '../../../functions/domain/gate-steps';
import type { Verdict } from '../../../functions/domain/gates';
import type { ApprovalActionState } from '../../../functions/ports/approvals';
import type { ModelPackage } from '../../../functions/ports/model-registry';

const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/2';
const pkg = (fields: Partial<ModelPackage> = {}): ModelPackage => ({
  arn: ARN,
  group: 'churn-models',
  version: 2,
  status: 'PendingManualApproval',
  createdAt: '2026-11-22T08:00:00Z',
  reports: { 'ModelQuality.Statistics': { s3Uri: 's3://reports/churn/2/stats.json' } },
  customerMetadata: { f1: '0.73' },
  ...fields,
});
const auc: GateCheck = {
  metric: 'auc',
  from: 'ModelQuality.Statistics',
  path: 'binary_classification_metrics.auc.value',
  severity: 'critical',
  min: 0.75,
} as GateCheck;
const gate = { name: 'churn-quality', modelPackageGroup: 'churn-models', checks: [auc] } as unknown as Gate;

describe('registryStep', () => {
  it.each<[string, Pick<ModelPackage, 'status'> | undefined, object]>([
    ['a deleted package is ignored', undefined, { phase: 'ignore', reason: 'model package does not exist' }],
    [
      'an approved package is skipped: decided already',
      { status: 'Approved' },
      { phase: 'skip', reason: 'status is Approved, not PendingManualApproval: nothing to decide' },
    ],
    [
      'a rejected package is skipped',
      { status: 'Rejected' },
      { phase: 'skip', reason: 'status is Rejected, not PendingManualApproval: nothing to decide' },
    ],
    ['a pending package is judged', { status: 'PendingManualApproval' }, { phase: 'judge' }],
  ])('%s', (_name, found, expected) => {
    expect(registryStep(found)).toEqual(expected);
  });
});

describe('gateAnswer', () => {
  it.each<[Verdict['outcome'], object]>([
    ['APPROVE', { phase: 'answer', outcome: 'APPROVE', status: 'Approved' }],
    ['REJECT', { phase: 'answer', outcome: 'REJECT', status: 'Rejected' }],
    ['HOLD', { phase: 'hold' }],
  ])('%s answers %j', (outcome, expected) => {
    expect(gateAnswer({ outcome })).toEqual(expected);
  });
});

describe('tokenStep', () => {
  it.each<[string, ApprovalActionState | undefined, object]>([
    [
      'no such action: wait',
      undefined,
      { phase: 'wait', reason: 'no approval token for execution e-1 in GetPipelineState' },
    ],
    [
      'the action runs another execution: wait',
      { executionId: 'e-0', status: 'InProgress', token: 't-0' },
      { phase: 'wait', reason: 'no approval token for execution e-1 in GetPipelineState' },
    ],
    [
      'this execution, no token yet: wait',
      { executionId: 'e-1', status: 'InProgress' },
      { phase: 'wait', reason: 'no approval token for execution e-1 in GetPipelineState' },
    ],
    [
      'this execution with its token: answer',
      { executionId: 'e-1', status: 'InProgress', token: 't-1' },
      { phase: 'answer', token: 't-1' },
    ],
    [
      'answered already: skip, even with a token left in the state',
      { executionId: 'e-1', status: 'Succeeded', token: 't-1' },
      { phase: 'skip', reason: 'the approval is already Succeeded: answered by a person or an earlier delivery' },
    ],
    [
      'another execution answered: not ours to skip, wait',
      { executionId: 'e-0', status: 'Failed' },
      { phase: 'wait', reason: 'no approval token for execution e-1 in GetPipelineState' },
    ],
  ])('%s', (_name, state, expected) => {
    expect(tokenStep(state, 'e-1')).toEqual(expected);
  });
});

describe('notificationStep', () => {
  const skip = {
    phase: 'skip',
    reason: 'the token is no longer the action\u2019s pending token: answered, expired or superseded',
  };
  it.each<[string, ApprovalActionState | undefined, object]>([
    ['no such action: skip', undefined, skip],
    ['another pending token: skip', { executionId: 'e-1', token: 't-2' }, skip],
    ['no execution in the state: skip', { token: 't-1' }, skip],
    [
      'the pending token: answer for its execution',
      { executionId: 'e-1', token: 't-1' },
      { phase: 'answer', executionId: 'e-1' },
    ],
  ])('%s', (_name, state, expected) => {
    expect(notificationStep(state, 't-1')).toEqual(expected);
  });
});

describe('approvalPackageProblem', () => {
  it.each<[string, ModelPackage | undefined, object | undefined]>([
    ['a pending package of the gate is judged', pkg(), undefined],
    ['an approved package of the gate is judged', pkg({ status: 'Approved' }), undefined],
    ['a missing package cannot be judged', undefined, { problem: `model package ${ARN} does not exist` }],
    [
      'a package of another group cannot be judged',
      pkg({ group: 'fraud-models' }),
      { problem: `model package ${ARN} is in group fraud-models, not churn-models` },
    ],
    [
      'a package the registry rejected is refused outright',
      pkg({ status: 'Rejected' }),
      { problem: 'model package churn-models/2 is Rejected in the registry', reject: true },
    ],
  ])('%s', (_name, found, expected) => {
    expect(approvalPackageProblem(gate, ARN, found)).toEqual(expected);
  });
});

describe('problemEvaluation', () => {
  it.each<[string, { problem: string; reject?: true }, string]>([
    ['a problem holds', { problem: 'no variable' }, 'HOLD by gate churn-quality: no variable'],
    [
      'a refusal rejects',
      { problem: 'Rejected in the registry', reject: true },
      'REJECT by gate churn-quality: Rejected in the registry',
    ],
  ])('%s, with the problem as the rule and both texts', (_name, found, text) => {
    const e = problemEvaluation(gate, found);
    expect(e).toEqual({
      verdict: { outcome: text.split(' ')[0], rule: found.problem, results: [] },
      description: text,
      summary: text,
    });
  });
});

describe('packageLabel', () => {
  it.each<[Pick<ModelPackage, 'arn' | 'group' | 'version'>, string]>([
    [{ arn: ARN, group: 'churn-models', version: 2 }, 'churn-models/2'],
    [{ arn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/solo', group: 'solo' }, 'solo'],
    [{ arn: 'not-an-arn', group: 'g' }, 'not-an-arn'],
  ])('%j is labelled %s', (p, label) => {
    expect(packageLabel(p)).toBe(label);
  });
});

describe('sameCheckedInputs and judgeableSnapshot', () => {
  it.each<[string, boolean, Partial<ModelPackage>]>([
    ['the same package', true, {}],
    ['only the status changed', true, { status: 'Approved', approvalDescription: 'x' }],
    ['another report', false, { reports: { 'ModelQuality.Statistics': { s3Uri: 's3://reports/churn/2/other.json' } } }],
    [
      'a pinned digest appeared',
      false,
      {
        reports: {
          'ModelQuality.Statistics': { s3Uri: 's3://reports/churn/2/stats.json', contentDigest: 'sha256:ab' },
        },
      },
    ],
    ['metadata changed', false, { customerMetadata: { f1: '0.5' } }],
  ])('%s: the same checked inputs %s', (_name, same, change) => {
    expect(sameCheckedInputs(pkg(), pkg(change))).toBe(same);
  });

  it.each<[string, boolean, ModelPackage | undefined]>([
    ['no snapshot', false, undefined],
    ['a pending snapshot of the event ARN', true, pkg()],
    ['a snapshot of another package', false, pkg({ arn: `${ARN}0` })],
    ['an approved snapshot', false, pkg({ status: 'Approved' })],
  ])('%s is judged early: %s', (_name, judged, snapshot) => {
    expect(judgeableSnapshot(ARN, snapshot)).toBe(judged);
  });
});

describe('evaluation and gateEvidence', () => {
  const verdict: Verdict = {
    outcome: 'APPROVE',
    rule: 'every check passed',
    results: [
      { metric: 'auc', severity: 'critical', status: 'PASS', value: 0.86, champion: 0.84, detail: '≥ min 0.75' },
    ],
  };
  it('names the champion in both texts, and records each check with its bounds and where it was read', () => {
    const champion = pkg({ arn: ARN.replace(/2$/, '1'), version: 1, status: 'Approved' });
    const e = evaluation(gate, verdict, champion);
    expect(e.description).toContain('Champion: churn-models/1.');
    expect(e.summary).toContain('Champion: churn-models/1.');
    expect(gateEvidence(gate, pkg(), e, 'ev-1')).toEqual({
      eventId: 'ev-1',
      gate: 'churn-quality',
      package: ARN,
      champion: champion.arn,
      rule: 'every check passed',
      checks: [
        {
          metric: 'auc',
          severity: 'critical',
          status: 'PASS',
          value: 0.86,
          champion: 0.84,
          threshold: { min: 0.75 },
          from: 'ModelQuality.Statistics',
          path: 'binary_classification_metrics.auc.value',
          detail: '≥ min 0.75',
        },
      ],
    });
  });

  it('clips the description to 1024 and the summary to 512 characters', () => {
    const long = {
      ...verdict,
      results: Array.from({ length: 40 }, () => ({ ...verdict.results[0]!, detail: 'x'.repeat(60) })),
    };
    const e = evaluation(gate, long);
    expect([e.description.length, e.summary.length]).toEqual([1024, 512]);
    expect(e.description).toContain('Champion: none.');
    expect(e).not.toHaveProperty('champion');
  });
});
