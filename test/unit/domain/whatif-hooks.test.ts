import { validatePolicy, type Policy } from '../../../functions/config/policy';
import { redecideHook } from '../../../functions/domain/whatif-hooks';
import type { Decision } from '../../../functions/ports/decision-log';
import { testController } from '../../support/policies';

const PKG = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/4';
const SMOKE = { endpoint: 'ep', payload: 's3://b/smoke.json', contentType: 'application/json' };

const policy = (hook: Record<string, unknown> | undefined): Policy =>
  validatePolicy({
    version: 1,
    controller: testController,
    retraining: [],
    hooks: hook ? [{ application: 'app', deploymentGroup: 'live', ...hook }] : [],
  });

/** A hook recorded with alarm a OK, the package Approved and the smoke answer `{"predictions":[1]}`. */
const hook = (fields: Partial<Decision> = {}, inputs: Record<string, unknown> = {}): Decision => ({
  kind: 'rollback.hook',
  subject: 'deployment/d-1',
  outcome: 'SUCCEEDED',
  reasons: ['alarms: none of a in ALARM; package: ... is Approved; smoke: ep answered as expected'],
  at: '2026-11-22T14:00:00.000Z',
  actions: [],
  ...fields,
  inputs: {
    hookExecutionId: 'h-1',
    results: [
      { check: 'alarms', outcome: 'PASS', detail: 'none of a in ALARM' },
      { check: 'package', outcome: 'PASS', detail: `${PKG} is Approved` },
      { check: 'smoke', outcome: 'PASS', detail: 'ep answered as expected' },
    ],
    application: 'app',
    group: 'live',
    read: {
      alarms: { a: 'OK' },
      package: { arn: PKG, status: 'Approved' },
      smoke: { ...SMOKE, expectJsonKeys: ['predictions'], body: '{"predictions":[1]}' },
    },
    ...inputs,
  },
});

const recordedRule = { alarms: ['a'], smoke: { ...SMOKE, expectJsonKeys: ['predictions'] } };

describe('redecideHook', () => {
  it.each<[string, Record<string, unknown> | undefined, Partial<Decision>, string, boolean, string]>([
    ['the unchanged rule passes it again', recordedRule, {}, 'SUCCEEDED', false, 'alarms: none of a in ALARM'],
    [
      'a smoke check expecting another key fails it',
      { ...recordedRule, smoke: { ...SMOKE, expectJsonKeys: ['predictions', 'version'] } },
      {},
      'FAILED',
      true,
      'smoke FAIL: ep: response lacks version',
    ],
    [
      'a smoke pattern the answer does not match fails it',
      { ...recordedRule, smoke: { ...SMOKE, expectPattern: '"version"' } },
      {},
      'FAILED',
      true,
      'smoke FAIL: ep: response does not match /"version"/',
    ],
    [
      'no rule for the group: no data never counts as a pass',
      undefined,
      {},
      'FAILED',
      true,
      'policy NODATA: no hooks rule for app/live',
    ],
    [
      'without the package check a rejected package no longer fails it',
      { ...recordedRule, requireApprovedPackage: false },
      {
        outcome: 'FAILED',
        reasons: ['package FAIL: rejected'],
        actions: [],
      },
      'SUCCEEDED',
      true,
      'alarms: none of a in ALARM',
    ],
  ])('%s', (_name, rule, fields, outcome, flipped, reason) => {
    const record =
      fields.outcome === 'FAILED'
        ? hook(fields, {
            read: {
              alarms: { a: 'OK' },
              package: { arn: PKG, status: 'Rejected' },
              smoke: { ...SMOKE, expectJsonKeys: ['predictions'], body: '{"predictions":[1]}' },
            },
          })
        : hook(fields);
    const r = redecideHook(record, policy(rule))!;
    expect([r.after?.outcome, r.flipped, r.missing]).toEqual([outcome, flipped, undefined]);
    expect(r.after?.reasons[0]).toContain(reason);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'an alarm whose state was not read',
      { ...recordedRule, alarms: ['a', 'b'] },
      'the state of alarm b was not read for this hook',
    ],
    [
      'a smoke request of another endpoint',
      { ...recordedRule, smoke: { ...SMOKE, endpoint: 'other' } },
      'no smoke request of other with s3://b/smoke.json (application/json) is recorded',
    ],
  ])('says what it lacks for %s', (_name, rule, missing) => {
    expect(redecideHook(hook(), policy(rule))?.missing).toBe(missing);
  });

  it('says a record written before whatif lacks what the checks read', () => {
    expect(redecideHook(hook({}, { read: undefined }), policy(recordedRule))?.missing).toBe(
      'the record does not hold what the checks read (recorded before whatif)',
    );
  });

  const failed = (actions: Decision['actions']) =>
    hook(
      { outcome: 'FAILED', reasons: ['alarms FAIL: in ALARM: a'], actions },
      {
        results: [
          { check: 'alarms', outcome: 'FAIL', detail: 'in ALARM: a' },
          { check: 'package', outcome: 'PASS', detail: `${PKG} is Approved` },
          { check: 'smoke', outcome: 'PASS', detail: 'ep answered as expected' },
        ],
        read: {
          alarms: { a: 'ALARM' },
          package: { arn: PKG, status: 'Approved' },
          smoke: { ...SMOKE, expectJsonKeys: ['predictions'], body: '{"predictions":[1]}' },
        },
      },
    );
  const withheld = (why: string) => [
    {
      service: 'codedeploy',
      operation: 'PutLifecycleEventHookExecutionStatus',
      target: 'd-1/h-1: Failed',
      status: 'withheld' as const,
      why: `${why}; answered Succeeded`,
    },
  ];

  it.each<[string, Decision, Record<string, unknown>, boolean, string | undefined]>([
    [
      'observe mode withholds the Failed it sent',
      failed([]),
      { ...recordedRule, mode: 'observe' },
      true,
      'answered Succeeded, the Failed withheld (observe (hooks[0].mode))',
    ],
    [
      'enforce sends the Failed observe mode withheld',
      failed(withheld('observe (hooks[0].mode)')),
      recordedRule,
      true,
      'answered Failed',
    ],
    [
      'a Failed the kill switch withheld stays withheld',
      failed(withheld('paused by alice: incident')),
      recordedRule,
      false,
      'answered Succeeded, the Failed withheld (paused by alice: incident)',
    ],
    ['the same mode answers as it did', failed([]), recordedRule, false, undefined],
  ])('%s', (_name, record, rule, flipped, answer) => {
    const r = redecideHook(record, policy(rule))!;
    expect(r.after?.outcome).toBe('FAILED');
    expect(r.flipped).toBe(flipped);
    expect(r.after?.reasons[1]).toBe(answer);
  });
});
