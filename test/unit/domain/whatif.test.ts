import { validatePolicy, type Policy } from '../../../functions/config/policy';
import { decodeArrivals, encodeArrivals, MAX_ARRIVALS_BYTES, ruleRoute } from '../../../functions/domain/arrivals';
import type { ObjectRef } from '../../../functions/domain/objects';
import { redecideGate, whatIf } from '../../../functions/domain/whatif';
import { replayBatches } from '../../../functions/domain/whatif-batching';
import { redecideRollback } from '../../../functions/domain/whatif-rollback';
import type { Decision } from '../../../functions/ports/decision-log';
import { testController } from '../../support/policies';

const policy = (doc: Record<string, unknown>): Policy =>
  validatePolicy({ version: 1, controller: testController, retraining: [], ...doc });

const ARN = (v: number) => `arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/${v}`;

const gatePolicy = (checks: unknown[], extra: Record<string, unknown> = {}) =>
  policy({ gates: [{ name: 'g', modelPackageGroup: 'churn', firstModel: 'approve', checks, ...extra }] });

const auc = (fields: Record<string, unknown>) => ({
  metric: 'auc',
  from: 'CustomerMetadataProperties',
  path: 'auc',
  ...fields,
});

const gateRecord = (outcome: string, inputs: Record<string, unknown>): Decision => ({
  kind: 'gate.registry',
  subject: ARN(2),
  outcome,
  reasons: ['recorded'],
  at: '2026-11-22T12:00:00.000Z',
  inputs: { eventId: 'e', gate: 'g', package: ARN(2), champion: ARN(1), rule: 'r', ...inputs },
});

const check = (fields: Record<string, unknown>) => ({
  metric: 'auc',
  severity: 'critical',
  status: 'PASS',
  value: 0.8,
  champion: 0.79,
  threshold: { min: 0.7, direction: 'higher', maxDegradation: 0.01 },
  detail: '',
  from: 'CustomerMetadataProperties',
  path: 'auc',
  ...fields,
});

describe('gate re-decision from the recorded readings', () => {
  it.each([
    ['a stricter min rejects what passed', [auc({ min: 0.85 })], [check({})], 'APPROVE', 'REJECT'],
    [
      'a tighter degradation against the recorded champion value rejects',
      [auc({ direction: 'higher', minImprovement: 0.05 })],
      [check({})],
      'APPROVE',
      'REJECT',
    ],
    [
      'the same bounds approve again',
      [auc({ min: 0.7, direction: 'higher', maxDegradation: 0.01 })],
      [check({})],
      'APPROVE',
      'APPROVE',
    ],
    [
      'a recorded NODATA stays no data: HOLD whatever the bounds',
      [auc({ min: 0.1 })],
      [check({ status: 'NODATA', value: null, champion: null, detail: 'metadata auc not set' })],
      'HOLD',
      'HOLD',
    ],
    [
      'a champion that had no data makes a relative check NODATA again',
      [auc({ direction: 'higher', maxDegradation: 0.5 })],
      [check({ status: 'NODATA', value: 0.8, champion: null, detail: 'champion: metadata auc not set' })],
      'HOLD',
      'HOLD',
    ],
    [
      'a warning check made critical turns a warning HOLD into REJECT',
      [auc({ min: 0.9 })],
      [check({ severity: 'warning', status: 'FAIL', value: 0.8 })],
      'HOLD',
      'REJECT',
    ],
  ])('%s', (_name, checks, recorded, before, after) => {
    const r = redecideGate(gateRecord(before, { checks: recorded }), gatePolicy(checks).gates)!;
    expect(r.missing).toBeUndefined();
    expect(r.after?.outcome).toBe(after);
    expect(r.flipped).toBe(before !== after);
    expect(r.after?.reasons[0]).toMatch(new RegExp(`^${after} by gate g`));
  });

  it.each([
    [
      'a metric the record never read',
      [auc({ min: 0.5 }), { metric: 'f1', from: 'CustomerMetadataProperties', path: 'f1', min: 0.5 }],
      /no reading of f1/,
    ],
    [
      'a metric read from elsewhere',
      [auc({ path: 'other.auc', min: 0.5 })],
      /no reading of auc from CustomerMetadataProperties other\.auc/,
    ],
  ])('says what is missing for %s', (_name, checks, why) => {
    const r = redecideGate(
      gateRecord('APPROVE', { checks: [check({ threshold: { min: 0.7 } })] }),
      gatePolicy(checks).gates,
    )!;
    expect(r.after).toBeUndefined();
    expect(r.missing).toMatch(why);
  });

  it('records the checks under the new bounds, as the gate would have recorded them', () => {
    const r = redecideGate(gateRecord('APPROVE', { checks: [check({})] }), gatePolicy([auc({ min: 0.85 })]).gates)!;
    expect(r.after?.inputs).toMatchObject({
      package: ARN(2),
      champion: ARN(1),
      checks: [{ metric: 'auc', status: 'FAIL', value: 0.8, threshold: { min: 0.85 } }],
    });
  });

  it('needs the champion value a check becoming relative compares with', () => {
    const recorded = [check({ champion: null, threshold: { min: 0.7 } })];
    const r = redecideGate(
      gateRecord('APPROVE', { checks: recorded }),
      gatePolicy([auc({ direction: 'higher', maxDegradation: 0 })]).gates,
    )!;
    expect(r.missing).toBe("the champion's auc is not recorded (it was not compared)");
  });

  it('cannot tell whether a champion existed when the recorded gate never looked for one', () => {
    const recorded = [check({ champion: null, threshold: { min: 0.7 } })];
    const r = redecideGate(
      gateRecord('APPROVE', { champion: null, checks: recorded }),
      gatePolicy([auc({ direction: 'higher', maxDegradation: 0 })]).gates,
    )!;
    expect(r.missing).toMatch(/does not say whether one existed/);
  });

  it('judges the first model by firstModel when the recorded gate looked and found no champion', () => {
    const recorded = [check({ champion: null })];
    const r = redecideGate(
      gateRecord('APPROVE', { champion: null, checks: recorded }),
      gatePolicy([auc({ direction: 'higher', maxDegradation: 0 })], { firstModel: 'hold' }).gates,
    )!;
    expect(r.after?.outcome).toBe('HOLD');
  });

  it('ignores a package whose group no gate serves any more', () => {
    const r = redecideGate(gateRecord('APPROVE', { checks: [check({})] }), [])!;
    expect(r.after).toEqual({ outcome: 'IGNORED', reasons: ['no gate for group churn'] });
  });

  it.each([
    ['SKIPPED', { checks: [] }],
    ['HOLD', { package: undefined }],
  ])('leaves a %s record that holds no verdict alone', (outcome, inputs) => {
    expect(redecideGate(gateRecord(outcome, inputs), gatePolicy([auc({ min: 0.5 })]).gates)).toBeUndefined();
  });
});

const bindings = (list: unknown[]) => policy({ rollback: list }).rollback;
const churnLive = {
  name: 'live',
  alarms: { names: ['errors'] },
  codedeploy: { application: 'app', deploymentGroup: 'grp' },
  freeze: { pipeline: 'deploy', stage: 'Prod' },
  modelPackageGroup: 'churn',
};
const stepRecord = (kind: string, subject: string, trigger: unknown): Decision => ({
  kind,
  subject,
  outcome: 'DONE',
  reasons: ['alarm errors in ALARM'],
  at: '2026-11-22T14:00:00.000Z',
  inputs: trigger === undefined ? {} : { trigger },
});
const alarmTrigger = { via: 'eventbridge', alarm: 'errors', since: '2026-11-22T14:00:00Z', ageSeconds: 30 };

describe('rollback re-decision from the recorded trigger', () => {
  it.each([
    ['the same binding acts again', [churnLive], 'rollback.codedeploy', 'live/codedeploy:app/grp', undefined],
    [
      'a binding gone does not act',
      [],
      'rollback.freeze',
      'live/deploy/Prod',
      'the policy has no rollback binding live',
    ],
    [
      'a binding that no longer selects the alarm does not act',
      [{ ...churnLive, alarms: { prefixes: ['latency-'] } }],
      'rollback.package',
      'live/churn',
      'binding live no longer selects alarm errors',
    ],
    [
      'a binding without the step does not take it',
      [{ ...churnLive, freeze: undefined }],
      'rollback.freeze',
      'live/deploy/Prod',
      'binding live no longer has the freeze step',
    ],
  ])('%s', (_name, list, kind, subject, noAction) => {
    const r = redecideRollback(stepRecord(kind, subject, alarmTrigger), bindings(list))!;
    expect(r.flipped).toBe(noAction !== undefined);
    expect(r.after).toEqual(
      noAction === undefined
        ? { outcome: 'DONE', reasons: [expect.stringMatching(/still takes the/)] }
        : { outcome: 'NO_ACTION', reasons: [noAction] },
    );
  });

  it('a shorter staleAfterSeconds makes an old delivery STALE', () => {
    const r = redecideRollback(
      stepRecord('rollback.codedeploy', 'live/codedeploy:app/grp', { ...alarmTrigger, ageSeconds: 700 }),
      bindings([{ ...churnLive, staleAfterSeconds: 600 }]),
    )!;
    expect(r.after?.outcome).toBe('STALE');
    expect(r.after?.reasons[0]).toMatch(/over staleAfterSeconds 600/);
  });

  it.each([
    ['a record without its trigger', undefined, [churnLive], /does not name the alarm/],
    [
      'a tag-bound binding and no tags recorded',
      alarmTrigger,
      [{ ...churnLive, alarms: { tags: { model: 'churn' } } }],
      /selects by tags/,
    ],
    [
      'another target',
      alarmTrigger,
      [{ ...churnLive, codedeploy: { application: 'app', deploymentGroup: 'other' } }],
      /now acts on codedeploy:app\/other/,
    ],
  ])('says what is missing for %s', (_name, trigger, list, why) => {
    const r = redecideRollback(stepRecord('rollback.codedeploy', 'live/codedeploy:app/grp', trigger), bindings(list))!;
    expect(r.after).toBeUndefined();
    expect(r.missing).toMatch(why);
  });

  it('selects by the recorded tags', () => {
    const r = redecideRollback(
      stepRecord('rollback.codedeploy', 'live/codedeploy:app/grp', {
        ...alarmTrigger,
        alarm: 'x',
        tags: { model: 'churn' },
      }),
      bindings([{ ...churnLive, alarms: { tags: { model: 'churn' } } }]),
    )!;
    expect(r.after?.outcome).toBe('DONE');
  });
});

const T0 = Date.parse('2026-11-22T08:00:00Z');
const obj = (key: string, seconds: number, size = 10): ObjectRef => ({
  bucket: 'b',
  key,
  size,
  eventTime: new Date(T0 + seconds * 1000).toISOString(),
});

describe('arrivals in a batch record', () => {
  it('round-trips times, sizes and markers, a storm of equal files as one run', () => {
    const members = [
      ...Array.from({ length: 300 }, (_, i) => obj(`p/${i}.csv`, i * 2)),
      obj('p/odd.csv', 700, 99),
      obj('p/_SUCCESS', 700, 0),
    ];
    const arrivals = encodeArrivals(members, (m) => m.key.endsWith('_SUCCESS'));
    expect('runs' in arrivals && arrivals.runs).toEqual([
      [300, 10, 0, 2000],
      [1, 99, 700_000, 0],
    ]);
    const back = decodeArrivals(arrivals as Extract<typeof arrivals, { runs: unknown }>);
    expect(back).toHaveLength(302);
    expect(back.at(-1)).toEqual({ at: T0 + 700_000, size: 0, key: 'p/_SUCCESS', marker: true });
    expect(back[299]).toEqual({ at: T0 + 598_000, size: 10, marker: false });
  });

  it('says why it is omitted rather than recording part of it', () => {
    const irregular = Array.from({ length: 400 }, (_, i) => obj(`p/${i}`, i * i, i));
    expect(encodeArrivals(irregular, () => false)).toEqual({
      omitted: expect.stringMatching(`over the record's ${MAX_ARRIVALS_BYTES}`),
    });
    expect(encodeArrivals([{ bucket: 'b', key: 'k', size: 1 }], () => false)).toEqual({
      omitted: 'an object of the batch has no event time',
    });
  });
});

const retraining = (trigger: Record<string, unknown>) =>
  policy({
    retraining: [
      { name: 'r', source: { bucket: 'b', prefix: 'p/' }, target: { type: 'codepipeline', name: 'x' }, trigger },
    ],
  }).retraining;

const batchRecord = (seq: number, members: ObjectRef[], rules = retraining({ marker: '_SUCCESS' })): Decision => ({
  kind: 'retraining.batch',
  subject: `r/${seq}`,
  outcome: 'CLOSED',
  reasons: ['recorded'],
  at: members.at(-1)!.eventTime!,
  inputs: {
    objects: members.length,
    firstKeys: members.slice(0, 5).map((m) => m.key),
    arrivals: encodeArrivals(members, (m) => m.key.endsWith('_SUCCESS')),
    route: ruleRoute(rules[0]!),
  },
});

describe('batch re-formation from the recorded arrivals', () => {
  const six = [...Array.from({ length: 6 }, (_, i) => obj(`p/${i}.csv`, i)), obj('p/_SUCCESS', 6, 0)];
  const end = new Date(T0 + 86_400_000);

  it.each([
    ['the same trigger keeps the batch whole', { marker: '_SUCCESS' }, 'CLOSED', [7]],
    ['a maxObjects under its size splits it', { marker: '_SUCCESS', maxObjects: 4 }, 'SPLIT', [4, 3]],
  ])('%s', (_name, trigger, outcome, parts) => {
    const rules = retraining(trigger);
    const { redecided, formed } = replayBatches([batchRecord(0, six)], rules, end);
    expect(redecided[0]!.after?.outcome).toBe(outcome);
    expect(formed.map((b) => b.members.length)).toEqual(parts);
  });

  it('merges two recorded batches a larger maxObjects without a marker would have kept together', () => {
    const rules = retraining({ maxObjects: 4 });
    const a = Array.from({ length: 4 }, (_, i) => obj(`p/a${i}.csv`, i));
    const b = Array.from({ length: 4 }, (_, i) => obj(`p/b${i}.csv`, 10 + i));
    const records = [batchRecord(0, a, rules), batchRecord(1, b, rules)];
    const { redecided, formed } = replayBatches(records, retraining({ maxObjects: 8 }), end);
    expect(formed.map((x) => [x.outcome, x.members.length])).toEqual([['CLOSED', 8]]);
    expect(redecided.map((r) => r.after?.reasons[0])).toEqual([
      'merged with r/1 into one batch',
      'merged with r/0 into one batch',
    ]);
  });

  it('closes at the first gap longer than a new quiet period, at the last arrival plus quietSeconds', () => {
    const gap = [obj('p/0.csv', 0), obj('p/1.csv', 1), obj('p/2.csv', 100), obj('p/_SUCCESS', 101, 0)];
    const { redecided, formed } = replayBatches(
      [batchRecord(0, gap)],
      retraining({ marker: '_SUCCESS', quietSeconds: 30 }),
      end,
    );
    expect(formed.map((b) => [b.members.length, b.reasons[0]])).toEqual([
      [2, 'no new object for 30s (quietSeconds 30) (2 objects, 20 bytes)'],
      [2, 'marker s3://b/p/_SUCCESS arrived (1 objects, 10 bytes)'],
    ]);
    // Each closes when the new trigger would close it: the quiet close 30 s after its last object,
    // the marker's at the marker; the data objects and bytes leave the marker out.
    expect(formed.map((b) => [b.at, b.objects, b.bytes, b.closeReason])).toEqual([
      [new Date(T0 + 31_000).toISOString(), 2, 20, 'no new object for 30s (quietSeconds 30)'],
      [new Date(T0 + 101_000).toISOString(), 1, 10, 'marker s3://b/p/_SUCCESS arrived'],
    ]);
    expect(redecided[0]!.after?.outcome).toBe('SPLIT');
  });

  it('keeps the last objects open when nothing would close them by the end of the records', () => {
    const five = Array.from({ length: 5 }, (_, i) => obj(`p/${i}.csv`, i));
    const rules = retraining({ maxObjects: 5 });
    const { redecided, formed } = replayBatches([batchRecord(0, five, rules)], retraining({ maxObjects: 4 }), end);
    expect(formed.map((b) => b.outcome)).toEqual(['CLOSED', 'OPEN']);
    expect(formed[1]!.reasons[0]).toMatch(/^1 objects still pending at 2026-11-23T08:00:00.000Z/);
    expect(redecided[0]!.after?.reasons[0]).toBe('split in 2: 4 + 1 of its members');
  });

  it.each([
    ['a changed source', { source: { bucket: 'b', prefix: 'q/' } }, /source changed/],
    ['a changed marker', { trigger: { marker: 'DONE' } }, /marker changed/],
    ['an added schema', { schema: { format: 'csv', columns: ['a'] } }, /schema check changed/],
  ])('says the batches cannot be re-formed after %s', (_name, change, why) => {
    const rule = {
      name: 'r',
      source: { bucket: 'b', prefix: 'p/' },
      target: { type: 'codepipeline', name: 'x' },
      trigger: { marker: '_SUCCESS' },
      ...change,
    };
    const { redecided } = replayBatches([batchRecord(0, six)], policy({ retraining: [rule] }).retraining, end);
    expect(redecided[0]!.missing).toMatch(why);
  });

  it('batches an ignored object the new policy routes, and leaves the rest ignored', () => {
    const ignored = (key: string): Decision => ({
      kind: 'retraining.ignore',
      subject: `s3://b/${key}`,
      outcome: 'IGNORED',
      reasons: ['matches no retraining rule'],
      at: new Date(T0).toISOString(),
      inputs: { object: obj(key, 0) },
    });
    const { redecided, formed } = replayBatches(
      [ignored('p/new.csv'), ignored('z/other')],
      retraining({ maxObjects: 1 }),
      end,
    );
    expect(redecided.map((r) => r.after?.outcome)).toEqual(['IGNORED', 'ROUTED']);
    expect(formed.map((b) => b.members.map((m) => m.key))).toEqual([['p/new.csv']]);
  });

  it('counts batches as the new policy forms them beside the recorded ones', () => {
    const result = whatIf(
      [batchRecord(0, six)],
      policy({ retraining: retraining({ marker: '_SUCCESS', maxObjects: 2 }) }),
      end,
    );
    expect(result.counts).toEqual([
      { kind: 'retraining.batch', before: { CLOSED: 1 }, after: { CLOSED: 3, EMPTY: 1 }, missing: 0 },
    ]);
  });
});
