import { AwsCallError, ContentionError } from '../../../functions/domain/errors';
import { MemoryKillSwitch } from '../../../functions/adapters/memory/kill-switch';
import { loadFixture } from '../../support/fixtures';
import {
  ACCOUNT,
  BUCKET,
  REGION,
  TOPIC,
  arnOf,
  gateInput,
  gatesHarness,
  gatesPolicy,
  report,
} from '../../support/gates-harness';

/** The real "Model Package State Change" payload, re-pointed at a package of the harness's world. */
function registered(version: number, fields: Record<string, unknown> = {}) {
  const event = loadFixture('sagemaker-model-package-state-change.json');
  const arn = arnOf('churn-models', version);
  Object.assign(event, { account: ACCOUNT, region: REGION, resources: [arn] });
  Object.assign(event.detail, {
    ModelPackageGroupName: 'churn-models',
    ModelPackageVersion: version,
    ModelPackageArn: arn,
    ModelApprovalStatus: 'PendingManualApproval',
    ...fields,
  });
  return event;
}

describe('modelRegistered (registry gate)', () => {
  it('approves a challenger better than the champion, writing each metric, the champion value and threshold', async () => {
    const h = gatesHarness();
    h.addPackage(1, { status: 'Approved', auc: 0.84, recall: 0.7 });
    h.addPackage(2, { auc: 0.86, recall: 0.72 });
    await h.registryHandler(registered(2));
    expect(h.actions()).toEqual([
      expect.objectContaining({
        service: 'sagemaker',
        operation: 'UpdateModelPackage',
        input: {
          ModelPackageArn: arnOf('churn-models', 2),
          ModelApprovalStatus: 'Approved',
          ApprovalDescription: [
            'APPROVE by gate churn-quality: every check passed. Champion: churn-models/1.',
            'auc=0.86 (champion 0.84) PASS critical: ≥ min 0.75, better by 0.02 (0.01 worse allowed)',
            'recall=0.72 (champion 0.7) PASS warning: better by 2.857% (5% worse allowed)',
          ].join(' | '),
          ClientToken: expect.stringMatching(/^[0-9a-f]{36}$/),
        },
      }),
    ]);
    expect(h.state.packages.get(arnOf('churn-models', 2))?.status).toBe('Approved');
    expect(h.gateDecisions()).toEqual([
      expect.objectContaining({
        kind: 'gate.registry',
        subject: arnOf('churn-models', 2),
        outcome: 'APPROVE',
        inputs: expect.objectContaining({ champion: arnOf('churn-models', 1), rule: 'every check passed' }),
      }),
    ]);
  });

  it('records each check\u2019s threshold as its own evidence field, next to its value and the champion\u2019s', async () => {
    const h = gatesHarness();
    h.addPackage(1, { status: 'Approved', auc: 0.84, recall: 0.7 });
    h.addPackage(2, { auc: 0.86, recall: 0.72 });
    await h.registryHandler(registered(2));
    const checks = h.gateDecisions()[0]!.inputs.checks as Array<Record<string, unknown>>;
    expect(
      checks.map(({ metric, value, champion, threshold, status }) => ({ metric, value, champion, threshold, status })),
    ).toEqual([
      {
        metric: 'auc',
        value: 0.86,
        champion: 0.84,
        threshold: { min: 0.75, direction: 'higher', maxDegradation: 0.01 },
        status: 'PASS',
      },
      {
        metric: 'recall',
        value: 0.72,
        champion: 0.7,
        threshold: { direction: 'higher', maxDegradationPct: 5 },
        status: 'PASS',
      },
    ]);
  });

  it('rejects a challenger that degrades the critical metric beyond the allowance', async () => {
    const h = gatesHarness();
    h.addPackage(1, { status: 'Approved', auc: 0.84 });
    h.addPackage(2, { auc: 0.8 });
    await h.registryHandler(registered(2));
    expect(h.actions().map((a) => a.input.ModelApprovalStatus)).toEqual(['Rejected']);
    expect(h.actions()[0]!.input.ApprovalDescription).toContain(
      'auc=0.8 (champion 0.84) FAIL critical: worse by 0.04 > 0.01 allowed',
    );
  });

  it('decides on the ARN in the event, never on the group\u2019s latest package', async () => {
    const h = gatesHarness();
    h.addPackage(1, { status: 'Approved', auc: 0.84 });
    h.addPackage(2, { auc: 0.9 });
    h.addPackage(3, { auc: 0.5 }); // newer, worse, also pending
    await h.registryHandler(registered(2));
    expect(h.actions().map((a) => [a.input.ModelPackageArn, a.input.ModelApprovalStatus])).toEqual([
      [arnOf('churn-models', 2), 'Approved'],
    ]);
  });

  it('takes the newest approved package other than the challenger as champion', async () => {
    const h = gatesHarness();
    h.addPackage(1, { status: 'Approved', auc: 0.95 });
    h.addPackage(2, { status: 'Approved', auc: 0.8 }); // newer: the one serving
    h.addPackage(3, { auc: 0.805 });
    await h.registryHandler(registered(3));
    expect(h.gateDecisions()[0]).toMatchObject({ outcome: 'APPROVE', inputs: { champion: arnOf('churn-models', 2) } });
  });

  describe('no data is never a pass', () => {
    const cases: Array<
      [string, { reportBody?: string | null; auc?: unknown; denied?: boolean; uri?: string }, RegExp]
    > = [
      [
        'a missing report (NoSuchKey)',
        { reportBody: null },
        /auc=- NODATA critical: s3:\/\/reports\/eval\/churn-models\/2.json does not exist/,
      ],
      ['an unreadable report (AccessDenied)', { denied: true }, /auc=- ERROR critical: .*access denied/],
      [
        'malformed JSON',
        { reportBody: '{"binary_classification_metrics": {' },
        /auc=- ERROR critical: .*is not valid JSON/,
      ],
      [
        'a NaN string where the number belongs',
        { auc: 'NaN' },
        /auc=- ERROR critical: binary_classification_metrics.auc.value is the string "NaN", not a number/,
      ],
      [
        'a metric path that does not exist',
        { reportBody: JSON.stringify({ regression_metrics: { mse: { value: 1 } } }) },
        /auc=- NODATA critical: binary_classification_metrics.auc.value not in the report/,
      ],
      [
        'a report over the size limit',
        { reportBody: report(0.9) + ' '.repeat(2048) },
        /auc=- ERROR critical: .* bytes, over the 1024-byte limit/,
      ],
      [
        'a report in a bucket the gate does not name',
        { uri: 's3://elsewhere/eval.json' },
        /auc=- ERROR critical: s3:\/\/elsewhere\/eval.json is outside the gate's reportBuckets/,
      ],
    ];
    it.each(cases)('%s holds the package and tells people why', async (_name, c, reason) => {
      const h = gatesHarness(gatesPolicy(gateInput({ reportMaxBytes: 1024 })));
      h.addPackage(1, { status: 'Approved', auc: 0.84 });
      const pkg = h.addPackage(2, {
        ...(c.reportBody !== undefined ? { reportBody: c.reportBody } : {}),
        ...(c.auc !== undefined ? { auc: c.auc } : {}),
      });
      if (c.denied) h.state.denied.add(`${BUCKET}/eval/churn-models/2.json`);
      if (c.uri) pkg.reports['ModelQuality.Statistics'] = { s3Uri: c.uri };
      await h.registryHandler(registered(2));
      expect(h.actions('UpdateModelPackage')).toEqual([]);
      expect(h.state.packages.get(pkg.arn)?.status).toBe('PendingManualApproval');
      expect(h.gateDecisions()).toEqual([
        expect.objectContaining({ outcome: 'HOLD', reasons: [expect.stringMatching(reason)] }),
      ]);
      expect(h.actions('Publish')).toEqual([
        expect.objectContaining({
          input: expect.objectContaining({ TopicArn: TOPIC, Message: expect.stringMatching(reason) }),
        }),
      ]);
    });

    it('rejects instead when the gate says onMissingData: reject', async () => {
      const h = gatesHarness(gatesPolicy(gateInput({ onMissingData: 'reject' })));
      h.addPackage(1, { status: 'Approved', auc: 0.84 });
      h.addPackage(2, { reportBody: null });
      await h.registryHandler(registered(2));
      expect(h.actions('UpdateModelPackage').map((a) => a.input.ModelApprovalStatus)).toEqual(['Rejected']);
    });

    it('holds when the champion\u2019s report is broken: a broken baseline is not a pass', async () => {
      const h = gatesHarness();
      h.addPackage(1, { status: 'Approved', reportBody: 'not json' });
      h.addPackage(2, { auc: 0.99 });
      await h.registryHandler(registered(2));
      expect(h.gateDecisions()[0]).toMatchObject({
        outcome: 'HOLD',
        reasons: [expect.stringMatching(/auc=0.99 ERROR critical: champion: .*is not valid JSON/)],
      });
    });

    it('a package without the report its checks read is NODATA', async () => {
      const h = gatesHarness();
      h.addPackage(1, { status: 'Approved', auc: 0.84 });
      h.addPackage(2, { reports: {} });
      await h.registryHandler(registered(2));
      expect(h.gateDecisions()[0]!.reasons[0]).toContain(
        'NODATA critical: churn-models/2 has no ModelQuality.Statistics report',
      );
    });
  });

  it('reads metrics from CustomerMetadataProperties', async () => {
    const metadataGate = gateInput({
      reportBuckets: [],
      checks: [
        {
          metric: 'auc',
          from: 'CustomerMetadataProperties',
          path: 'auc',
          min: 0.75,
          direction: 'higher',
          maxDegradation: 0.01,
        },
      ],
    });
    const h = gatesHarness(gatesPolicy(metadataGate));
    h.addPackage(1, { status: 'Approved', customerMetadata: { auc: '0.84' } });
    h.addPackage(2, { customerMetadata: { auc: '0.70' } });
    await h.registryHandler(registered(2));
    expect(h.actions().map((a) => a.input.ModelApprovalStatus)).toEqual(['Rejected']);
    expect(h.actions()[0]!.input.ApprovalDescription).toContain(
      'auc=0.7 (champion 0.84) FAIL critical: < min 0.75, worse by 0.14 > 0.01 allowed',
    );
  });

  describe('the first model of a group', () => {
    it('is held when the policy says firstModel: hold', async () => {
      const h = gatesHarness();
      h.addPackage(1, { auc: 0.9 });
      await h.registryHandler(registered(1));
      expect(h.gateDecisions()[0]).toMatchObject({
        outcome: 'HOLD',
        reasons: [expect.stringContaining('no champion to compare with (firstModel: hold)')],
      });
    });

    it('is judged on its absolute checks when the policy says firstModel: approve', async () => {
      const h = gatesHarness(gatesPolicy(gateInput({ firstModel: 'approve' })));
      h.addPackage(1, { auc: 0.9 });
      await h.registryHandler(registered(1));
      expect(h.actions().map((a) => a.input.ModelApprovalStatus)).toEqual(['Approved']);
    });

    it('is still rejected by a failing absolute check', async () => {
      const h = gatesHarness(gatesPolicy(gateInput({ firstModel: 'approve' })));
      h.addPackage(1, { auc: 0.6 });
      await h.registryHandler(registered(1));
      expect(h.actions().map((a) => a.input.ModelApprovalStatus)).toEqual(['Rejected']);
    });
  });

  describe('never overwrites a person, and duplicates change nothing', () => {
    it('records and leaves a package a person approved before the event arrived', async () => {
      const h = gatesHarness();
      h.addPackage(1, { status: 'Approved', auc: 0.84 });
      h.addPackage(2, { status: 'Rejected', auc: 0.99 });
      await h.registryHandler(registered(2));
      expect(h.actions()).toEqual([]);
      expect(h.gateDecisions()).toEqual([
        expect.objectContaining({
          outcome: 'SKIPPED',
          reasons: ['status is Rejected, not PendingManualApproval: nothing to decide'],
        }),
      ]);
    });

    it('does not write when a person decides while the gate judges the event\u2019s package', async () => {
      const h = gatesHarness();
      h.addPackage(1, { status: 'Approved', auc: 0.84 });
      const challenger = h.addPackage(2, { auc: 0.9 });
      const list = h.deps.registry.listByStatus.bind(h.deps.registry);
      h.deps.registry.listByStatus = async (...args) => {
        challenger.status = 'Rejected'; // the person's click lands while the champion is looked up
        return list(...args);
      };
      await h.registryHandler(registered(2));
      expect(h.actions()).toEqual([]);
      expect(challenger.status).toBe('Rejected');
      expect(h.gateDecisions()).toEqual([
        expect.objectContaining({
          outcome: 'SKIPPED',
          reasons: ['status is Rejected, not PendingManualApproval: nothing to decide'],
        }),
      ]);
    });

    it('acts once when the same event is delivered twice, one after the other', async () => {
      const h = gatesHarness();
      h.addPackage(1, { status: 'Approved', auc: 0.84 });
      h.addPackage(2, { auc: 0.9 });
      await h.registryHandler(registered(2));
      await h.registryHandler(registered(2));
      expect(h.actions()).toHaveLength(1);
      expect(h.gateDecisions().map((d) => d.outcome)).toEqual(['APPROVE', 'SKIPPED']);
    });

    it('decides once when the same event is delivered twice at the same time: the other copy is retried', async () => {
      const h = gatesHarness();
      h.addPackage(1, { status: 'Approved', auc: 0.84 });
      h.addPackage(2, { auc: 0.9 });
      const settled = await Promise.allSettled([h.registryHandler(registered(2)), h.registryHandler(registered(2))]);
      expect(settled.map((s) => s.status).sort()).toEqual(['fulfilled', 'rejected']);
      const loser = settled.find((s) => s.status === 'rejected') as PromiseRejectedResult;
      expect(loser.reason).toBeInstanceOf(ContentionError);
      expect(loser.reason.retryable).toBe(true);
      await h.registryHandler(registered(2)); // the retry
      expect(h.actions('UpdateModelPackage')).toHaveLength(1);
      expect(h.gateDecisions().map((d) => d.outcome)).toEqual(['APPROVE', 'SKIPPED']);
    });

    it('marks the committed decision failed and gives its claim back when the update fails, so the retry decides', async () => {
      const h = gatesHarness();
      h.addPackage(1, { status: 'Approved', auc: 0.84 });
      h.addPackage(2, { auc: 0.9 });
      const update = h.deps.registry.setApprovalStatus.bind(h.deps.registry);
      let failures = 1;
      h.deps.registry.setApprovalStatus = (...args) =>
        failures-- > 0
          ? Promise.reject(new AwsCallError('sagemaker', 'UpdateModelPackage', new Error('ThrottlingException')))
          : update(...args);
      await expect(h.registryHandler(registered(2))).rejects.toBeInstanceOf(AwsCallError);
      await h.registryHandler(registered(2));
      expect(h.actions('UpdateModelPackage')).toHaveLength(1);
      expect(h.gateDecisions().map((d) => d.outcome)).toEqual(['FAILED', 'APPROVE']);
      expect(h.gateDecisions()[0]!.reasons[0]).toMatch(
        /APPROVE was committed, but its writes failed: .*ThrottlingException/,
      );
    });

    it('notifies a HOLD once however often the event is delivered', async () => {
      const h = gatesHarness();
      h.addPackage(1, { status: 'Approved', auc: 0.84 });
      h.addPackage(2, { reportBody: null });
      await Promise.all([h.registryHandler(registered(2)), h.registryHandler(registered(2))]);
      await h.registryHandler(registered(2));
      expect(h.actions('Publish')).toHaveLength(1);
      expect(h.gateDecisions().map((d) => d.outcome)).toEqual(['HOLD', 'HOLD', 'HOLD']);
    });
  });

  describe('while the kill switch is on', () => {
    it('withholds the approval it decides but still notifies a HOLD: telling people is not a write', async () => {
      const killSwitch = new MemoryKillSwitch();
      await killSwitch.set({ paused: true, by: 'bob', reason: 'incident 7' });
      const h = gatesHarness(gatesPolicy(), {}, { killSwitch });
      h.addPackage(1, { status: 'Approved', auc: 0.84 });
      h.addPackage(2, { auc: 0.9 });
      h.addPackage(3, { reportBody: null });
      await h.registryHandler(registered(2));
      await h.registryHandler(registered(3));
      expect(h.actions('UpdateModelPackage')).toHaveLength(0);
      expect(h.actions('Publish')).toHaveLength(1);
      const [approve, hold] = h.gateDecisions();
      expect(approve).toMatchObject({ outcome: 'APPROVE' });
      expect(approve!.actions).toEqual([
        expect.objectContaining({
          operation: 'UpdateModelPackage',
          status: 'withheld',
          why: 'paused by bob: incident 7',
        }),
      ]);
      expect(hold).toMatchObject({ outcome: 'HOLD' });
    });
  });

  describe('judges the package the event carries while reading it fresh', () => {
    /** The event as SageMaker sends it for `pkg`: the detail mirrors DescribeModelPackage. */
    const eventFor = (pkg: { reports: Record<string, { s3Uri: string } | undefined> }, version: number) =>
      registered(version, {
        ModelMetrics: {
          ModelQuality: {
            Statistics: { ContentType: 'application/json', S3Uri: pkg.reports['ModelQuality.Statistics']!.s3Uri },
          },
        },
      });
    const counting = (h: ReturnType<typeof gatesHarness>) => {
      const calls: string[] = [];
      const describe = h.deps.registry.describe.bind(h.deps.registry);
      h.deps.registry.describe = (arn) => (calls.push(`describe ${arn.split('/').pop()}`), describe(arn));
      const read = h.deps.reports.readJson.bind(h.deps.reports);
      h.deps.reports.readJson = (uri, options) => (calls.push(`read ${uri.split('/').pop()}`), read(uri, options));
      return calls;
    };

    it('reads the challenger once: its report while DescribeModelPackage confirms it is still pending', async () => {
      const h = gatesHarness();
      h.addPackage(1, { status: 'Approved', auc: 0.84 });
      const challenger = h.addPackage(2, { auc: 0.86 });
      const calls = counting(h);
      await h.registryHandler(eventFor(challenger, 2));
      expect(calls.filter((c) => c.endsWith(' 2') || c.endsWith('2.json')).sort()).toEqual([
        'describe 2',
        'read 2.json',
      ]);
      expect(h.gateDecisions().map((d) => d.outcome)).toEqual(['APPROVE']);
    });

    it('judges again from the fresh read when the package’s reports changed since the event', async () => {
      const h = gatesHarness();
      h.addPackage(1, { status: 'Approved', auc: 0.84 });
      const challenger = h.addPackage(2, { auc: 0.86 });
      h.world.putObject(BUCKET, 'eval/stale.json', report(0.5));
      const calls = counting(h);
      await h.registryHandler(
        eventFor({ reports: { 'ModelQuality.Statistics': { s3Uri: `s3://${BUCKET}/eval/stale.json` } } }, 2),
      );
      expect(calls).toEqual(expect.arrayContaining(['read stale.json', 'read 2.json']));
      expect(h.gateDecisions()).toEqual([
        expect.objectContaining({ outcome: 'APPROVE', inputs: expect.objectContaining({ package: challenger.arn }) }),
      ]);
      expect(h.state.packages.get(challenger.arn)?.status).toBe('Approved');
    });

    it('decides from DescribeModelPackage alone when the detail’s metrics are not in the documented shape', async () => {
      const h = gatesHarness();
      h.addPackage(1, { status: 'Approved', auc: 0.84 });
      h.addPackage(2, { auc: 0.86 });
      const calls = counting(h);
      await h.registryHandler(registered(2, { ModelMetrics: { ModelQuality: { Statistics: { S3Uri: 42 } } } }));
      expect(calls.filter((c) => c.startsWith('read')).sort()).toEqual(['read 1.json', 'read 2.json']);
      expect(h.gateDecisions().map((d) => d.outcome)).toEqual(['APPROVE']);
    });

    it('accepts CreationTime as epoch milliseconds, as real events carry it', async () => {
      const h = gatesHarness();
      h.addPackage(1, { status: 'Approved', auc: 0.84 });
      const challenger = h.addPackage(2, { auc: 0.86 });
      const event = eventFor(challenger, 2);
      event.detail.CreationTime = 1764000000000;
      const calls = counting(h);
      await h.registryHandler(event);
      expect(calls.filter((c) => c === 'read 2.json')).toHaveLength(1);
      expect(h.gateDecisions().map((d) => d.outcome)).toEqual(['APPROVE']);
    });
  });

  describe('events it does not act on', () => {
    it('ignores the docs\u2019 own payload: a package already Rejected, in a group without a gate', async () => {
      const h = gatesHarness();
      await h.registryHandler({
        ...loadFixture<Record<string, unknown>>('sagemaker-model-package-state-change.json'),
        region: REGION,
      });
      expect(h.actions()).toEqual([]);
      expect(h.gateDecisions()).toEqual([]);
      expect(h.lines).toContainEqual(
        expect.objectContaining({ message: 'package not pending approval; nothing to decide' }),
      );
    });

    it('records a pending package of a group no gate judges as ignored', async () => {
      const h = gatesHarness();
      const event = loadFixture('sagemaker-model-package-state-change.json');
      Object.assign(event, { region: REGION });
      event.detail.ModelApprovalStatus = 'PendingManualApproval';
      await h.registryHandler(event);
      expect(h.gateDecisions()).toEqual([
        expect.objectContaining({ kind: 'gate.ignore', reasons: ['no gate for group versionedmp-p-idy6c3e1fiqj'] }),
      ]);
    });

    it('records an event from a foreign account as ignored, acting on nothing', async () => {
      const h = gatesHarness();
      h.addPackage(2, { auc: 0.9 });
      await h.registryHandler({ ...registered(2), account: '999999999999' });
      expect(h.actions()).toEqual([]);
      expect(h.gateDecisions()[0]).toMatchObject({
        kind: 'gate.ignore',
        reasons: [expect.stringMatching(/^account 999999999999/)],
      });
    });

    it('records a malformed event as ignored with the problem', async () => {
      const h = gatesHarness();
      const event = registered(2);
      delete event.detail.ModelPackageArn;
      await h.registryHandler(event);
      expect(h.gateDecisions()).toEqual([
        expect.objectContaining({
          kind: 'gate.ignore',
          outcome: 'IGNORED',
          reasons: [expect.stringContaining('detail.ModelPackageArn')],
        }),
      ]);
    });

    it('records a package that no longer exists as ignored', async () => {
      const h = gatesHarness();
      await h.registryHandler(registered(7));
      expect(h.gateDecisions()).toEqual([
        expect.objectContaining({ kind: 'gate.ignore', reasons: ['model package does not exist'] }),
      ]);
    });
  });

  it('surfaces a transient S3 failure so the event is retried, deciding nothing', async () => {
    const h = gatesHarness(gatesPolicy(), {
      reports: { readJson: () => Promise.reject(new AwsCallError('s3', 'GetObject', new Error('SlowDown'))) },
    });
    h.addPackage(1, { status: 'Approved', auc: 0.84 });
    h.addPackage(2, { auc: 0.9 });
    await expect(h.registryHandler(registered(2))).rejects.toBeInstanceOf(AwsCallError);
    expect(h.actions()).toEqual([]);
    expect(h.gateDecisions()).toEqual([]);
  });
});
