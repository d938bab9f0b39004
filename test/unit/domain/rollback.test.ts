import { validatePolicy } from '../../../functions/config/policy';
import {
  codeDeployPlan,
  endpointPhase,
  endpointPlan,
  hookVerdict,
  modelPackageArnIn,
  needsTags,
  selects,
  smokeMismatch,
  type DeploymentInfo,
} from '../../../functions/domain/rollback';
import { policyInput } from '../../support/policies';

const binding = (alarms: Record<string, unknown>) =>
  validatePolicy({ ...policyInput([]), rollback: [{ name: 'b', alarms, freeze: { pipeline: 'p', stage: 's' } }] })
    .rollback[0]!;

const dep = (
  id: string,
  status: string,
  minute: number,
  rev?: string,
  extra: Partial<DeploymentInfo> = {},
): DeploymentInfo => ({
  id,
  status,
  createTime: `2026-11-22T10:${String(minute).padStart(2, '0')}:00.000Z`,
  ...(rev ? { revision: { revisionType: 'String', string: { content: rev } } } : {}),
  ...extra,
});

describe('selects', () => {
  it.each([
    [{ names: ['a'] }, 'a', undefined, true],
    [{ names: ['a'] }, 'ab', undefined, false],
    [{ prefixes: ['churn-'] }, 'churn-latency', undefined, true],
    [{ tags: { model: 'x' } }, 'any', { model: 'x', team: 't' }, true],
    [{ tags: { model: 'x' } }, 'any', { model: 'y' }, false],
    [{ tags: { model: 'x' } }, 'any', undefined, false],
  ])('%j selects %s (tags %j): %s', (alarms, name, tags, expected) => {
    expect(selects(binding(alarms), name, tags)).toBe(expected);
  });

  it('asks for tags only when a tag binding has not matched by name', () => {
    expect(needsTags([binding({ names: ['a'] })], 'a')).toBe(false);
    expect(needsTags([binding({ names: ['a'], tags: { m: 'x' } })], 'a')).toBe(false);
    expect(needsTags([binding({ tags: { m: 'x' } })], 'a')).toBe(true);
  });
});

describe('codeDeployPlan', () => {
  it.each<[string, DeploymentInfo[], string, string[]]>([
    ['in flight → stop it', [dep('d1', 'Succeeded', 1, 'A'), dep('d2', 'InProgress', 5, 'B')], 'stop', ['d2']],
    [
      'every in-flight state counts',
      [dep('d1', 'Baking', 1, 'A'), dep('d2', 'Ready', 2, 'B'), dep('d3', 'Queued', 3, 'C')],
      'stop',
      ['d3', 'd2', 'd1'],
    ],
    [
      'after the bake → redeploy the earlier success',
      [dep('d1', 'Succeeded', 1, 'A'), dep('d2', 'Succeeded', 5, 'B')],
      'redeploy',
      ['d2', 'd1'],
    ],
    [
      'skips earlier successes of the same revision',
      [dep('d0', 'Succeeded', 0, 'A'), dep('d1', 'Succeeded', 1, 'B'), dep('d2', 'Succeeded', 5, 'B')],
      'redeploy',
      ['d2', 'd0'],
    ],
    ['nothing succeeded', [dep('d1', 'Failed', 1, 'A')], 'none', []],
    ['no earlier revision', [dep('d1', 'Succeeded', 1, 'A')], 'none', []],
    [
      'the latest is a CodeDeploy rollback',
      [
        dep('d1', 'Succeeded', 1, 'A'),
        dep('d2', 'Stopped', 2, 'B'),
        dep('d3', 'InProgress', 3, 'A', { creator: 'codeDeployRollback' }),
      ],
      'none',
      [],
    ],
    [
      "the latest is CloudFormation's own rollback (alias already back on the old version)",
      [
        dep('d1', 'Succeeded', 1, 'A', { creator: 'CloudFormation' }),
        dep('d2', 'Succeeded', 2, 'B', { creator: 'CloudFormation' }),
        dep('d3', 'Succeeded', 3, 'A', { creator: 'CloudFormationRollback' }),
      ],
      'none',
      [],
    ],
    [
      'a deployment CloudFormation created (not a rollback) is rolled back like a user one',
      [
        dep('d1', 'Succeeded', 1, 'A', { creator: 'CloudFormation' }),
        dep('d2', 'Succeeded', 2, 'B', { creator: 'CloudFormation' }),
      ],
      'redeploy',
      ['d2', 'd1'],
    ],
    [
      'ListDeployments promises no order: newest is found by createTime',
      [dep('d2', 'Succeeded', 5, 'B'), dep('d0', 'Succeeded', 0, 'A'), dep('d1', 'Succeeded', 1, 'B')],
      'redeploy',
      ['d2', 'd0'],
    ],
    [
      'the latest is our own redeploy',
      [
        dep('d1', 'Succeeded', 1, 'A'),
        dep('d2', 'Succeeded', 2, 'B'),
        dep('d3', 'Succeeded', 3, 'A', { description: 'mlops-controller rollback: x' }),
      ],
      'none',
      [],
    ],
  ])('%s', (_name, deployments, kind, ids) => {
    const plan = codeDeployPlan(deployments);
    expect(plan.kind).toBe(kind);
    if (plan.kind === 'stop') expect(plan.bad.map((d) => d.id)).toEqual(ids);
    if (plan.kind === 'redeploy') expect([plan.bad.id, plan.good.id]).toEqual(ids);
  });
});

describe('endpointPlan', () => {
  const h = (config: string, at: string, extra = {}) => ({ config, at: `2026-11-2${at}T00:00:00Z`, ...extra });
  it.each<[string, { status: string; config: string }, ReturnType<typeof h>[], string, string | undefined]>([
    [
      'returns to the newest other config',
      { status: 'InService', config: 'c3' },
      [h('c1', '0'), h('c2', '1'), h('c3', '2')],
      'update',
      'c2',
    ],
    [
      'never to a config it rolled back from',
      { status: 'InService', config: 'c3' },
      [h('c1', '0'), h('c2', '1', { bad: true }), h('c3', '2')],
      'update',
      'c1',
    ],
    ['waits while Updating', { status: 'Updating', config: 'c2' }, [h('c1', '0'), h('c2', '1')], 'wait', undefined],
    [
      'waits while the event spelling says UPDATING',
      { status: 'UPDATING', config: 'c2' },
      [h('c1', '0')],
      'wait',
      undefined,
    ],
    [
      'waits while SystemUpdating (maintenance)',
      { status: 'SystemUpdating', config: 'c2' },
      [h('c1', '0')],
      'wait',
      undefined,
    ],
    [
      'waits while the event spelling says SYSTEM_UPDATING',
      { status: 'SYSTEM_UPDATING', config: 'c2' },
      [h('c1', '0')],
      'wait',
      undefined,
    ],
    ['waits while RollingBack', { status: 'RollingBack', config: 'c2' }, [h('c1', '0')], 'wait', undefined],
    ['waits while Creating', { status: 'Creating', config: 'c2' }, [h('c1', '0')], 'wait', undefined],
    [
      'fails, not waits, on UpdateRollbackFailed',
      { status: 'UpdateRollbackFailed', config: 'c2' },
      [h('c1', '0')],
      'failed',
      undefined,
    ],
    [
      'fails on the event spelling UPDATE_ROLLBACK_FAILED',
      { status: 'UPDATE_ROLLBACK_FAILED', config: 'c2' },
      [h('c1', '0')],
      'failed',
      undefined,
    ],
    ['not on an OutOfService endpoint', { status: 'OutOfService', config: 'c2' }, [h('c1', '0')], 'none', undefined],
    ['not on a Deleting endpoint', { status: 'Deleting', config: 'c2' }, [h('c1', '0')], 'none', undefined],
    ['no history of another config', { status: 'InService', config: 'c1' }, [h('c1', '0')], 'none', undefined],
    ['not on a Failed endpoint', { status: 'Failed', config: 'c2' }, [h('c1', '0')], 'none', undefined],
    [
      'not further from a config it restored',
      { status: 'InService', config: 'c1' },
      [h('c0', '0'), h('c1', '1', { restored: true })],
      'none',
      undefined,
    ],
  ])('%s', (_n, endpoint, history, kind, to) => {
    const plan = endpointPlan(endpoint, history);
    expect(plan.kind).toBe(kind);
    if (plan.kind === 'update') expect(plan.to.config).toBe(to);
  });

  it('says why an UpdateRollbackFailed endpoint needs a person', () => {
    const plan = endpointPlan({ status: 'UpdateRollbackFailed', config: 'c2' }, [{ config: 'c1', at: 'x' }]);
    expect(plan).toEqual({ kind: 'failed', reason: expect.stringMatching(/auto-rollback failed.*mix.*person/) });
  });
});

describe('endpointPhase', () => {
  it.each([
    ['InService', 'in-service'],
    ['IN_SERVICE', 'in-service'],
    ['Creating', 'transitional'],
    ['Updating', 'transitional'],
    ['UPDATING', 'transitional'],
    ['SystemUpdating', 'transitional'],
    ['SYSTEM_UPDATING', 'transitional'],
    ['RollingBack', 'transitional'],
    ['UpdateRollbackFailed', 'update-rollback-failed'],
    ['UPDATE_ROLLBACK_FAILED', 'update-rollback-failed'],
    ['Failed', 'other'],
    ['OutOfService', 'other'],
    ['Deleting', 'other'],
  ])('%s is %s', (status, phase) => {
    expect(endpointPhase(status)).toBe(phase);
  });
});

describe('hookVerdict', () => {
  it.each([
    [[], 'Failed'],
    [[{ check: 'a', outcome: 'PASS', detail: '' }], 'Succeeded'],
    [
      [
        { check: 'a', outcome: 'PASS', detail: '' },
        { check: 'b', outcome: 'NODATA', detail: 'x' },
      ],
      'Failed',
    ],
    [[{ check: 'a', outcome: 'ERROR', detail: 'crashed' }], 'Failed'],
    [[{ check: 'a', outcome: 'FAIL', detail: 'x' }], 'Failed'],
  ] as const)('%j → %s', (results, status) => {
    expect(hookVerdict(results).status).toBe(status);
  });
});

describe('smokeMismatch', () => {
  it.each([
    ['{"predictions":[1]}', { expectJsonKeys: ['predictions'] }, undefined],
    ['{"other":1}', { expectJsonKeys: ['predictions'] }, 'response lacks predictions'],
    ['not json', { expectJsonKeys: ['predictions'] }, 'response is not JSON'],
    ['0.42', { expectPattern: '^\\d+\\.\\d+$' }, undefined],
    ['abc', { expectPattern: '^\\d' }, 'response does not match /^\\d/'],
    ['', {}, 'empty response'],
  ])('%s with %j → %s', (body, expect_, result) => {
    expect(smokeMismatch(body, expect_)).toBe(result);
  });
});

it('finds a model package ARN in a description or AppSpec', () => {
  const arn = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/4';
  expect(modelPackageArnIn(undefined, `deploy ${arn} now`)).toBe(arn);
  expect(modelPackageArnIn('nothing here')).toBeUndefined();
});
