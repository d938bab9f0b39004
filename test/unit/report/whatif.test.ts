import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulate } from '../../../functions/cli/simulate';
import { parsePolicyText } from '../../../functions/config/policy';
import { whatIf, type WhatIf } from '../../../functions/domain/whatif';
import type { Decision } from '../../../functions/ports/decision-log';
import { escapeHtml } from '../../../functions/report/html';
import { prefixIds } from '../../../functions/report/section';
import { renderWhatIf, whatIfModel, type WhatIfModel } from '../../../functions/report/whatif';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const LIBS = { vega: '/*vega*/', vegaLite: '/*vega-lite*/', vegaEmbed: '/*vega-embed*/' };
const OPTIONS = { libraries: LIBS, policy: 'stricter.yml', source: 'test', generatedAt: '2026-11-23T00:00:00.000Z' };

/** The demo's chapters under controller.yml, replayed together under stricter.yml. */
let records: Decision[];
let result: WhatIf;
let model: WhatIfModel;
beforeAll(async () => {
  records = [];
  for (const f of ['demo.yml', 'demo-gates.yml', 'demo-operate.yml'])
    records.push(...(await simulate(join(root, 'test/scenarios', f))).records);
  const end = new Date(Math.max(...records.map((r) => Date.parse(r.at))));
  const policy = parsePolicyText(readFileSync(join(root, 'test/fixtures/whatif/stricter.yml'), 'utf8'));
  result = whatIf(records, policy, end);
  model = whatIfModel(records, result);
});

const objectsPerRule = (side: readonly Decision[], rule: string) =>
  side.filter((d) => d.subject.startsWith(`${rule}/`) && d.kind !== 'retraining.ignore').map((d) => d.inputs.objects);

describe('whatif page model', () => {
  it("charts each re-decided kind's counts as recorded and as re-decided, the counts whatif made", () => {
    const bars = (kind: string, side: string) =>
      Object.fromEntries(model.bars.filter((b) => b.kind === kind && b.side === side).map((b) => [b.outcome, b.count]));
    expect(bars('retraining.batch', 'recorded')).toEqual({ CLOSED: 6 });
    expect(bars('retraining.batch', 'new policy')).toEqual({ CLOSED: 9 });
    expect(bars('gate.registry', 'recorded')).toEqual({ APPROVE: 5, HOLD: 2, REJECT: 1, SKIPPED: 2 });
    expect(bars('gate.registry', 'new policy')).toEqual({ APPROVE: 3, HOLD: 2, REJECT: 3, SKIPPED: 2 });
    // Starts are re-decided (six, each lacking an input after the splits); releases are not, so
    // they are in the table, not on the chart.
    expect(bars('retraining.start', 'new policy')).toEqual({ STARTED: 6 });
    expect(model.counts.find((c) => c.kind === 'retraining.start')).toMatchObject({ missing: 6 });
    expect(model.bars.some((b) => b.kind === 'retraining.release')).toBe(false);
    expect(model.counts.find((c) => c.kind === 'retraining.release')?.after).toBeUndefined();
  });

  it('lists every flip with both outcomes, the new batches, and the starts the splits leave undecidable', () => {
    expect(
      model.flips.map((r) => [r.subject.split('/').slice(-2).join('/'), r.before.outcome, r.after?.outcome]),
    ).toEqual([
      ['ranking/0', 'CLOSED', 'SPLIT'],
      ['churn/0', 'CLOSED', 'SPLIT'],
      ['ranking/1', 'CLOSED', 'CLOSED'],
      ['churn-models/1', 'APPROVE', 'REJECT'],
      ['churn-models/8', 'APPROVE', 'REJECT'],
    ]);
    expect(model.unmatched).toHaveLength(6);
    // Splitting ranking/0 and churn/0 changes the runs every later guard of those rules counted.
    expect(model.lacking.map((r) => [r.kind, r.subject])).toEqual([
      ['retraining.start', 'ranking/0'],
      ['retraining.start', 'churn/0'],
      ['retraining.defer', 'ranking/1'],
      ['retraining.start', 'ranking/1'],
      ['retraining.defer', 'churn/2'],
      ['retraining.start', 'churn/2'],
      ['retraining.start', 'ranking/0'],
      ['retraining.start', 'ranking/1'],
    ]);
    expect(model.lacking.every((r) => /formed otherwise|split or merged/.test(r.missing ?? ''))).toBe(true);
  });

  it('shows the recorded batches on one side and the batches the new policy forms on the other', () => {
    expect(objectsPerRule(model.before, 'ranking')).toEqual([500, 20, 3, 2]);
    expect(objectsPerRule(model.after, 'ranking')).toEqual([200, 200, 120, 3, 2]);
    expect(objectsPerRule(model.before, 'churn')).toEqual([12, 2, 2]);
    expect(objectsPerRule(model.after, 'churn')).toEqual([5, 5, 2, 2, 2]);
    const quarantined = model.after.find((d) => d.kind === 'retraining.quarantine')!;
    expect(quarantined).toMatchObject({ subject: 'churn/3', outcome: 'QUARANTINED' });
    expect(quarantined.inputs.closeReason).toMatch(/_SUCCESS arrived/);
    // Starts and deferrals are compared in the flips table, not drawn: on neither side.
    expect([...model.before, ...model.after].some((d) => d.kind === 'retraining.start')).toBe(false);
  });

  it('shows each gate with the new verdict and its checks under the new bounds, without the recorded writes', () => {
    const v1 = (side: readonly Decision[]) => side.find((d) => d.subject.endsWith('churn-models/1'))!;
    expect(v1(model.before).outcome).toBe('APPROVE');
    expect(v1(model.before).actions?.length).toBeGreaterThan(0);
    const after = v1(model.after);
    expect(after.outcome).toBe('REJECT');
    expect(after.reasons[0]).toMatch(/^REJECT by gate churn-quality: critical check failed/);
    expect(after.inputs.checks).toContainEqual(
      expect.objectContaining({
        metric: 'auc',
        value: 0.83,
        status: 'FAIL',
        threshold: expect.objectContaining({ min: 0.84 }),
      }),
    );
    expect(after.actions).toBeUndefined();
    // A gate record whatif does not re-decide (SKIPPED) is shown as recorded on both sides.
    const skipped = model.before.filter((d) => d.outcome === 'SKIPPED');
    expect(skipped).toHaveLength(2);
    for (const d of skipped) expect(model.after).toContain(d);
  });

  it('keeps the records of a rule whose batches cannot be re-formed, and names what they lack', () => {
    const old: Decision = {
      kind: 'retraining.batch',
      subject: 'churn/0',
      outcome: 'CLOSED',
      reasons: ['marker arrived'],
      inputs: { objects: 3 },
      at: '2026-11-22T08:00:00.000Z',
    };
    const policy = parsePolicyText(readFileSync(join(root, 'controller.yml'), 'utf8'));
    const m = whatIfModel([old], whatIf([old], policy, new Date('2026-11-23T00:00:00Z')));
    expect(m.after).toEqual([old]);
    expect(m.lacking.map((r) => r.missing)).toEqual([
      'the batches of churn cannot be re-formed: churn/0: the record holds no arrival times (recorded before whatif)',
    ]);
  });
});

describe('whatif page', () => {
  it('gives every element a unique id, though the gate and retraining sections appear twice', () => {
    const html = renderWhatIf(records, result, OPTIONS);
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(ids).toEqual(
      expect.arrayContaining(['recorded-chart-gates-churn-models', 'redecided-chart-gates-churn-models']),
    );
    // Each chart has its slot on the page.
    const charts = JSON.parse(
      /<script type="application\/json" id="report-charts">(.*?)<\/script>/s.exec(html)![1]!.replace(/\\u003c/g, '<'),
    ) as { id: string }[];
    for (const c of charts) expect(ids).toContain(c.id);
    expect(charts.map((c) => c.id)).toContain('chart-whatif-counts');
  });

  it('is the report page: no fetch allowed, the charting library inlined, the flips filterable', () => {
    const html = renderWhatIf(records, result, OPTIONS);
    expect(html).toContain("default-src 'none'");
    for (const lib of Object.values(LIBS)) expect(html).toContain(lib);
    expect(html).toContain('data-table="whatif-flips-table"');
    expect(html).toMatch(/<tr data-kind="gate\.registry" data-before="APPROVE" data-after="REJECT">/);
  });

  it('says so when nothing flips, nothing is new and nothing lacks an input', () => {
    const html = renderWhatIf([], { counts: [], redecided: [], batches: [], formed: [] }, OPTIONS);
    expect(html).toContain('No decision flips under stricter.yml.');
    expect(html).toContain('No record of a kind whatif re-decides in this selection.');
    expect(html).toContain('Every re-decided record holds the inputs the new policy needs.');
  });
});

describe('prefixIds', () => {
  it('prefixes the ids the builders wrote, never text a record holds', () => {
    const subject = 'x" id="evil';
    const s = prefixIds(
      {
        id: 'gates',
        title: 'Gates',
        html: `<div id="a"><p>${escapeHtml(subject)}</p></div>`,
        charts: [{ id: 'a', spec: {} }],
      },
      'p-',
    );
    expect(s.html).toBe(`<div id="p-a"><p>${escapeHtml(subject)}</p></div>`);
    expect(s.charts[0]!.id).toBe('p-a');
    expect(s.id).toBe('p-gates');
  });
});
