import { execFileSync } from 'node:child_process';
import { simulate, type SimulationResult } from '../../../functions/cli/simulate';

type Doc = Pick<SimulationResult, 'actions' | 'decisions'>;

function json(file: string): Doc {
  return JSON.parse(execFileSync('node', ['functions/cli/bin.mjs', 'simulate', file, '--json'], { encoding: 'utf8' }));
}

const starts = (doc: Doc) => doc.actions.filter((a) => a.operation === 'StartPipelineExecution');
const decided = (doc: Doc, kind: string, subject: string) =>
  doc.decisions.filter((d) => d.kind === kind && d.subject === subject);

describe('simulate applies observe mode and the kill switch like the Lambda runtime', () => {
  const doc = json('test/scenarios/hardening-observe.yml');

  it('a rule in observe decides and records the start but makes no start call', () => {
    expect(decided(doc, 'retraining.start', 'clicks/0')).toEqual([
      expect.objectContaining({
        outcome: 'STARTED',
        withheld: [
          {
            service: 'sagemaker',
            operation: 'StartPipelineExecution',
            target: 'clicks-training',
            why: 'observe (retraining[0].mode)',
          },
        ],
      }),
    ]);
    const manifest0 = 's3://acme-ml-artifacts/mlops-controller/manifests/clicks/batch-000000.json';
    expect(starts(doc).map((a) => a.input.PipelineParameters)).not.toContainEqual(
      expect.arrayContaining([expect.objectContaining({ Value: manifest0 })]),
    );
  });

  it('switching back to enforce does not replay the observed start, even when its events arrive again', () => {
    expect(starts(doc).map((a) => (a.input.PipelineParameters as Array<{ Value: string }>)[0]?.Value)).toEqual([
      expect.stringContaining('batch-000001.json'),
      expect.stringContaining('batch-000003.json'),
    ]);
    expect(decided(doc, 'retraining.start', 'clicks/0')).toHaveLength(1);
    expect(decided(doc, 'retraining.start', 'clicks/1')).toEqual([
      expect.not.objectContaining({ withheld: expect.anything() }),
    ]);
  });

  it('a pause withholds every write (gate verdict and start); resume restores them without replay', () => {
    const v1 = decided(doc, 'gate.registry', 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/1');
    expect(v1).toEqual([
      expect.objectContaining({
        outcome: 'APPROVE',
        withheld: [expect.objectContaining({ operation: 'UpdateModelPackage', why: 'paused by alice: incident 42' })],
      }),
    ]);
    expect(decided(doc, 'retraining.start', 'clicks/2')).toEqual([
      expect.objectContaining({
        withheld: [
          expect.objectContaining({ operation: 'StartPipelineExecution', why: 'paused by alice: incident 42' }),
        ],
      }),
    ]);
    const approvals = doc.actions.filter((a) => a.operation === 'UpdateModelPackage');
    expect(approvals.map((a) => a.input.ModelPackageArn)).toEqual([expect.stringMatching(/churn-models\/2$/)]);
    expect(decided(doc, 'retraining.start', 'clicks/3')).toEqual([
      expect.not.objectContaining({ withheld: expect.anything() }),
    ]);
  });

  it('every decision is published as a Controller Decision event; withheld and noteworthy ones are notified', () => {
    const entries = doc.actions
      .filter((a) => a.service === 'events' && a.operation === 'PutEvents')
      .flatMap(
        (a) => a.input.Entries as Array<{ Source: string; DetailType: string; EventBusName: string; Detail: string }>,
      );
    expect(entries).toHaveLength(doc.decisions.length);
    expect(entries.every((e) => e.Source === 'mlops.controller' && e.DetailType === 'Controller Decision')).toBe(true);
    expect(new Set(entries.map((e) => e.EventBusName))).toEqual(new Set(['controller-decisions']));
    expect(JSON.parse(entries[0]!.Detail)).toEqual(
      expect.objectContaining({
        id: 'decision-000001',
        kind: doc.decisions[0]!.kind,
        policyVersion: expect.any(String),
      }),
    );
    const notices = doc.actions.filter((a) => a.service === 'sns' && a.operation === 'Publish');
    expect(notices.map((n) => n.input.Subject)).toEqual([
      'mlops-controller retraining.start STARTED',
      'mlops-controller gate.registry APPROVE',
      'mlops-controller retraining.start STARTED',
    ]);
  });

  it('records carry the policy version in force: the mode switch changes it', async () => {
    const r = await simulate('test/scenarios/hardening-observe.yml');
    const version = (subject: string) =>
      r.records.find((d) => d.kind === 'retraining.start' && d.subject === subject)?.policyVersion;
    expect(version('clicks/0')).toMatch(/^[0-9a-f]{16}$/);
    expect(version('clicks/1')).toMatch(/^[0-9a-f]{16}$/);
    expect(version('clicks/1')).not.toBe(version('clicks/0'));
  });
});

describe('demo chapter 4: operating it', () => {
  const doc = json('test/scenarios/demo-operate.yml');

  it('the hook on trial (mode: observe in controller.yml) records its failure, answers Succeeded, withholds Failed', () => {
    expect(decided(doc, 'rollback.hook', 'deployment/d-OPERATE01')).toEqual([
      expect.objectContaining({
        outcome: 'FAILED',
        withheld: [
          expect.objectContaining({
            operation: 'PutLifecycleEventHookExecutionStatus',
            why: 'observe (hooks[0].mode); answered Succeeded',
          }),
        ],
      }),
    ]);
    expect(
      doc.actions.filter((a) => a.operation === 'PutLifecycleEventHookExecutionStatus').map((a) => a.input.status),
    ).toEqual(['Succeeded']);
  });

  it('the observed ranking batch is withheld, the next one starts, the paused approval is withheld', () => {
    expect(decided(doc, 'retraining.start', 'ranking/0')).toEqual([
      expect.objectContaining({ withheld: [expect.objectContaining({ why: 'observe (retraining[1].mode)' })] }),
    ]);
    expect(starts(doc)).toHaveLength(1);
    expect(decided(doc, 'retraining.start', 'ranking/1')).toEqual([
      expect.not.objectContaining({ withheld: expect.anything() }),
    ]);
    expect(
      decided(doc, 'gate.registry', 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/8'),
    ).toEqual([
      expect.objectContaining({
        withheld: [expect.objectContaining({ why: expect.stringMatching(/^paused by alice/) })],
      }),
    ]);
    expect(doc.actions.filter((a) => a.operation === 'UpdateModelPackage').map((a) => a.input.ModelPackageArn)).toEqual(
      [expect.stringMatching(/churn-models\/9$/)],
    );
  });

  it('a mode step naming no rule is a clear error', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'sim-'));
    const file = join(dir, 's.yml');
    writeFileSync(
      file,
      `name: x\npolicy: ${process.cwd()}/controller.yml\nsteps:\n  - mode: { rule: nope, mode: observe }\n`,
    );
    await expect(simulate(file)).rejects.toThrow('mode.rule: no policy rule named nope');
  });
});
