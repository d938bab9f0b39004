import type { HookRule } from '../../../functions/config/policy-rollback';
import {
  alarmsCheck,
  crashedCheck,
  hookRuleFor,
  noHookRule,
  packageCheck,
  smokeCheck,
} from '../../../functions/domain/hook-checks';

const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/3';
const rule = (fields: Partial<HookRule>): HookRule => ({
  application: 'churn-app',
  alarms: [],
  requireApprovedPackage: true,
  ...fields,
});

describe('hookRuleFor', () => {
  const appWide = rule({ alarms: ['app-wide'] });
  const blue = rule({ deploymentGroup: 'blue', alarms: ['blue'] });
  const other = rule({ application: 'other-app' });
  it.each<[string, HookRule[], string, HookRule | undefined]>([
    ['the group’s own rule wins over the application’s', [appWide, blue, other], 'blue', blue],
    ['the group’s own rule wins in either order', [blue, appWide], 'blue', blue],
    ['another group falls back to the application-wide rule', [appWide, blue], 'green', appWide],
    ['no application-wide rule: none for another group', [blue, other], 'green', undefined],
    ['another application’s rule never applies', [other], 'blue', undefined],
  ])('%s', (_name, hooks, group, expected) => {
    expect(hookRuleFor(hooks, { application: 'churn-app', deploymentGroup: group })).toBe(expected);
  });

  it('no rule is one NODATA check naming the deployment', () => {
    expect(noHookRule({ application: 'churn-app', deploymentGroup: 'green' })).toEqual({
      check: 'policy',
      outcome: 'NODATA',
      detail: 'no hooks rule for churn-app/green',
    });
  });
});

describe('alarmsCheck', () => {
  it.each<[string, Array<[string, string]>, object]>([
    [
      'every alarm OK: PASS',
      [
        ['a', 'OK'],
        ['b', 'OK'],
      ],
      { outcome: 'PASS', detail: 'none of a, b in ALARM' },
    ],
    [
      'INSUFFICIENT_DATA is not ALARM: PASS',
      [
        ['a', 'INSUFFICIENT_DATA'],
        ['b', 'OK'],
      ],
      { outcome: 'PASS', detail: 'none of a, b in ALARM' },
    ],
    [
      'one in ALARM: FAIL naming it',
      [
        ['a', 'OK'],
        ['b', 'ALARM'],
      ],
      { outcome: 'FAIL', detail: 'in ALARM: b' },
    ],
    ['a missing alarm is no data, not a pass', [['a', 'OK']], { outcome: 'NODATA', detail: 'no such alarm: b' }],
    ['a missing alarm outweighs one in ALARM', [['a', 'ALARM']], { outcome: 'NODATA', detail: 'no such alarm: b' }],
  ])('%s', (_name, states, expected) => {
    expect(alarmsCheck(['a', 'b'], new Map(states))).toEqual({ check: 'alarms', ...expected });
  });
});

describe('packageCheck', () => {
  it.each<[string, string | undefined, string | undefined, object]>([
    ['an Approved package: PASS', ARN, 'Approved', { outcome: 'PASS', detail: `${ARN} is Approved` }],
    [
      'a pending package: FAIL',
      ARN,
      'PendingManualApproval',
      { outcome: 'FAIL', detail: `${ARN} is PendingManualApproval` },
    ],
    ['a Rejected package: FAIL', ARN, 'Rejected', { outcome: 'FAIL', detail: `${ARN} is Rejected` }],
    ['a package that does not exist: NODATA', ARN, undefined, { outcome: 'NODATA', detail: `${ARN} does not exist` }],
    [
      'a deployment naming no package: NODATA',
      undefined,
      undefined,
      { outcome: 'NODATA', detail: 'the deployment names no model package (description or AppSpec)' },
    ],
  ])('%s', (_name, arn, status, expected) => {
    expect(packageCheck(arn, status)).toEqual({ check: 'package', ...expected });
  });
});

describe('smokeCheck', () => {
  it.each<[string, { expectJsonKeys?: string[]; expectPattern?: string }, string, object]>([
    [
      'the expected keys: PASS',
      { expectJsonKeys: ['score'] },
      '{"score":0.4}',
      { outcome: 'PASS', detail: 'ep answered as expected' },
    ],
    [
      'a matching pattern: PASS',
      { expectPattern: '^ok' },
      'ok 1',
      { outcome: 'PASS', detail: 'ep answered as expected' },
    ],
    ['a missing key: FAIL with the endpoint', { expectJsonKeys: ['score'] }, '{"label":1}', { outcome: 'FAIL' }],
    ['a pattern that does not match: FAIL', { expectPattern: '^ok' }, 'error', { outcome: 'FAIL' }],
  ])('%s', (_name, expect_, body, expected) => {
    const result = smokeCheck({ endpoint: 'ep', ...expect_ }, body);
    expect(result).toMatchObject({ check: 'smoke', ...expected });
    if (result.outcome === 'FAIL') expect(result.detail).toMatch(/^ep: \S/);
  });
});

describe('crashedCheck', () => {
  it.each<[string, unknown, boolean, string]>([
    ['a thrown error says it crashed', new Error('socket hang up'), false, 'crashed: socket hang up'],
    ['a thrown non-error is shown as text', 'boom', false, 'crashed: boom'],
    [
      'the time budget running out says so as it is',
      new Error('checks did not finish within 5 ms'),
      true,
      'checks did not finish within 5 ms',
    ],
  ])('%s', (_name, error, timedOut, detail) => {
    expect(crashedCheck('smoke', error, timedOut)).toEqual({ check: 'smoke', outcome: 'ERROR', detail });
  });
});
