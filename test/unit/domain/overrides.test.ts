import {
  groupBindings,
  OVERRIDE_REASON_MAX,
  operatorProblem,
  operatorRequestId,
  packageArnProblem,
  packageOverride,
  reasonProblem,
} from '../../../functions/domain/overrides';
import { validatePolicy } from '../../../functions/config/policy';
import { testController } from '../../support/policies';

const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3';

describe('override arguments', () => {
  it.each([
    [undefined, /--reason must say why/],
    ['   ', /--reason must say why/],
    ['x'.repeat(OVERRIDE_REASON_MAX + 1), /--reason is 501 characters; write at most 500/],
    ['x'.repeat(OVERRIDE_REASON_MAX), undefined],
    ['latency doubled', undefined],
  ])('reason %p → %p', (reason, problem) => {
    const found = reasonProblem(reason);
    if (problem) expect(found).toMatch(problem);
    else expect(found).toBeUndefined();
  });

  it.each([
    [undefined, /--by must name who acts/],
    ['', /--by must name who acts/],
    ['x'.repeat(101), /--by is 101 characters/],
    ['alice', undefined],
  ])('person %p → %p', (by, problem) => {
    const found = operatorProblem(by);
    if (problem) expect(found).toMatch(problem);
    else expect(found).toBeUndefined();
  });

  it.each([
    [ARN, true],
    ['arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/churn-v2/14', true],
    ['arn:aws:sagemaker:us-east-1:123456789012:model-package/churn', false],
    ['arn:aws:sagemaker:us-east-1:123456789012:model-package-group/churn', false],
    ['arn:aws:sagemaker:us-east-1:1234:model-package/churn/3', false],
    ['churn/3', false],
  ])('package ARN %s is accepted: %p', (arn, ok) => {
    expect(packageArnProblem(arn) === undefined).toBe(ok);
  });

  it('a request is its binding, person and reason, blanks around them aside', () => {
    const id = operatorRequestId('live', 'alice', 'latency');
    expect(operatorRequestId('live', ' alice', 'latency ')).toBe(id);
    expect(operatorRequestId('live', 'alice', 'latency again')).not.toBe(id);
    expect(operatorRequestId('live', 'bob', 'latency')).not.toBe(id);
    expect(operatorRequestId('other', 'alice', 'latency')).not.toBe(id);
  });
});

describe('which bindings name a package group', () => {
  const policy = validatePolicy({
    version: 1,
    controller: testController,
    gates: [
      {
        name: 'q',
        modelPackageGroup: 'churn',
        checks: [{ metric: 'auc', from: 'CustomerMetadataProperties', path: 'auc', min: 0.8 }],
      },
    ],
    rollback: [
      {
        name: 'live',
        alarms: { names: ['a'] },
        endpoint: { name: 'e' },
        modelPackageGroup: 'arn:aws:sagemaker:us-east-1:123456789012:model-package-group/Churn',
      },
      { name: 'other', alarms: { names: ['b'] }, endpoint: { name: 'f' }, modelPackageGroup: 'ranking' },
    ],
  });
  it('gates by name, rollback bindings by name or ARN ignoring case', () => {
    expect(groupBindings(policy, 'churn')).toEqual({ gates: ['q'], rollbacks: ['live'] });
    expect(groupBindings(policy, 'fraud')).toEqual({ gates: [], rollbacks: [] });
  });
});

describe('what an approve/reject does to a package', () => {
  const base = {
    arn: ARN,
    label: 'churn/3',
    group: 'churn',
    bindings: { gates: ['q'], rollbacks: ['live'] },
  };
  it.each([
    ['Approved', 'PendingManualApproval', undefined, { phase: 'act', status: 'Approved', notes: [] }],
    ['Rejected', 'PendingManualApproval', undefined, { phase: 'act', status: 'Rejected', notes: [] }],
    [
      'Approved',
      'Rejected',
      undefined,
      { phase: 'act', status: 'Approved', notes: ['overrides the rejection of churn/3'] },
    ],
    // Approved but not the newest Approved: not what the deployment serves.
    [
      'Rejected',
      'Approved',
      'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/4',
      { phase: 'act', status: 'Rejected', notes: [] },
    ],
    ['Approved', 'Approved', undefined, { phase: 'unchanged', reason: 'churn/3 is already Approved: nothing to do' }],
    ['Rejected', 'Rejected', undefined, { phase: 'unchanged', reason: 'churn/3 is already Rejected: nothing to do' }],
  ] as const)('%s asked, %s now (champion %s) → %j', (requested, current, champion, verdict) => {
    expect(packageOverride({ ...base, requested, current, ...(champion ? { champion } : {}) })).toEqual(verdict);
  });

  it('rejecting the champion says it rolls nothing back and which binding would', () => {
    const verdict = packageOverride({ ...base, requested: 'Rejected', current: 'Approved', champion: ARN });
    expect(verdict).toEqual({
      phase: 'act',
      status: 'Rejected',
      notes: [
        expect.stringMatching(
          /the one its deployment serves.*rolls nothing back.*here: live\), and the next newest Approved/,
        ),
      ],
    });
    const unbound = packageOverride({
      ...base,
      bindings: { gates: ['q'], rollbacks: [] },
      requested: 'Rejected',
      current: 'Approved',
      champion: ARN,
    });
    expect(unbound).toEqual(
      expect.objectContaining({ notes: [expect.stringMatching(/no rollback binding names this group/)] }),
    );
  });

  it('a group no gate and no rollback binding names is refused, whatever is asked', () => {
    for (const requested of ['Approved', 'Rejected'] as const)
      expect(
        packageOverride({
          ...base,
          bindings: { gates: [], rollbacks: [] },
          requested,
          current: 'PendingManualApproval',
        }),
      ).toEqual({
        phase: 'refuse',
        reason:
          "group churn is named by no gate and no rollback binding of the policy: churn/3 is not the controller's to decide",
      });
  });

  it('already in the state, the current description is quoted', () => {
    expect(
      packageOverride({ ...base, requested: 'Rejected', current: 'Rejected', currentDescription: 'REJECT by gate q' }),
    ).toEqual({ phase: 'unchanged', reason: 'churn/3 is already Rejected (REJECT by gate q): nothing to do' });
  });
});
