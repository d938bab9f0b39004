import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWhatIf, whatIfOn } from '../../../../functions/cli/commands/whatif';
import { simulate } from '../../../../functions/cli/simulate';
import { REDECIDED_KINDS } from '../../../../functions/domain/whatif';
import type { Decision } from '../../../../functions/ports/decision-log';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
const scenario = (name: string) => join(root, 'test/scenarios', name);
const text = (file: string) => readFileSync(join(root, file), 'utf8');

/** The demo's chapters with the policy each runs under. */
const DEMOS = [
  ['demo.yml', 'controller.yml'],
  ['demo-gates.yml', 'controller.yml'],
  ['demo-rollback.yml', 'test/scenarios/rollback-policy.yml'],
  ['demo-operate.yml', 'controller.yml'],
] as const;

const runs = new Map<string, { records: Decision[]; end: Date }>();
beforeAll(async () => {
  for (const [file] of DEMOS) {
    const { records } = await simulate(scenario(file));
    runs.set(file, { records, end: new Date(Math.max(...records.map((r) => Date.parse(r.at)))) });
  }
});

describe('whatif with the unchanged policy', () => {
  it.each(DEMOS)('reproduces every recorded outcome of %s', async (file, policy) => {
    const { records, end } = runs.get(file)!;
    const { result } = await whatIfOn(records, text(policy), end);
    // Every verdict of a re-decided kind is replayed: SKIPPED ones and gates that never ran a check hold none.
    const verdicts = records.flatMap((r, i) =>
      (REDECIDED_KINDS as readonly string[]).includes(r.kind) &&
      r.outcome !== 'SKIPPED' &&
      (!r.kind.startsWith('gate.') || 'checks' in r.inputs)
        ? [i]
        : [],
    );
    expect(verdicts.length).toBeGreaterThan(0);
    expect(verdicts.filter((i) => !result.redecided.some((r) => r.index === i))).toEqual([]);
    expect(result.redecided.filter((r) => r.missing !== undefined)).toEqual([]);
    expect(result.redecided.filter((r) => r.flipped)).toEqual([]);
    for (const r of result.redecided) expect(r.after?.outcome).toBe(records[r.index]!.outcome);
    for (const c of result.counts) if (c.after) expect(c.after).toEqual(c.before);
    expect(result.batches).toEqual([]);
  });

  it('re-decides every record of the re-decided kinds the demo makes a verdict in', () => {
    const all = DEMOS.flatMap(([file]) => runs.get(file)!.records);
    const kinds = new Set(all.map((r) => r.kind));
    // The demo exercises each kind whatif re-decides, so the replay above covers them all.
    expect(REDECIDED_KINDS.filter((k) => !kinds.has(k))).toEqual([]);
  });
});

describe('whatif: the example policy against a stricter gate and smaller batches', () => {
  const stricter = 'test/fixtures/whatif/stricter.yml';
  const flips = async (file: string, policy: string) => {
    const { records, end } = runs.get(file)!;
    const { result } = await whatIfOn(records, text(policy), end);
    return {
      result,
      flips: result.redecided
        .filter((r) => r.flipped)
        .map((r) => [r.subject.replace(/^arn:aws:sagemaker:[^/]+\//, ''), r.before.outcome, r.after?.outcome]),
    };
  };

  it('splits the storm and the Spark drop, and merges the ranking leftovers', async () => {
    const { result, flips: f } = await flips('demo.yml', stricter);
    expect(f).toEqual([
      ['ranking/0', 'CLOSED', 'SPLIT'],
      ['churn/0', 'CLOSED', 'SPLIT'],
      ['ranking/1', 'CLOSED', 'CLOSED'],
    ]);
    const reasons = Object.fromEntries(result.redecided.map((r) => [r.subject, r.after?.reasons[0]]));
    expect(reasons['ranking/0']).toBe('split in 3: 200 + 200 + 100 of its members');
    expect(reasons['churn/0']).toBe('split in 3: 5 + 5 + 3 of its members');
    expect(reasons['ranking/1']).toBe('merged with ranking/0 into one batch');
    expect(result.counts.find((c) => c.kind === 'retraining.batch')).toEqual({
      kind: 'retraining.batch',
      before: { CLOSED: 4 },
      after: { CLOSED: 7 },
      missing: 0,
    });
  });

  it.each([
    ['demo-gates.yml', [['churn-models/1', 'APPROVE', 'REJECT']]],
    ['demo-operate.yml', [['churn-models/8', 'APPROVE', 'REJECT']]],
  ])('rejects the packages under AUC 0.84 in %s, with the failing check as the reason', async (file, expected) => {
    const { result, flips: f } = await flips(file, stricter);
    expect(f).toEqual(expected);
    const flipped = result.redecided.find((r) => r.flipped)!;
    expect(flipped.after?.reasons[0]).toMatch(
      /^REJECT by gate churn-quality: critical check failed\..*\nauc=0\.83.* FAIL critical: < min 0\.84/s,
    );
  });

  it('a binding that no longer selects the alarm and one without its freeze no longer act', async () => {
    const { flips: f } = await flips('demo-rollback.yml', 'test/fixtures/whatif/rollback-narrower.yml');
    const bySubject = new Map<string, string[]>();
    for (const [subject, before, after] of f)
      bySubject.set(subject!, [...(bySubject.get(subject!) ?? []), `${before}→${after}`]);
    expect(Object.fromEntries(bySubject)).toEqual({
      'churn-live/churn-deploy/Production': ['FROZEN→NO_ACTION'],
      'churn-live/codedeploy:churn-app/churn-live': [
        'STOPPED→NO_ACTION',
        ...Array(9).fill('ALREADY_ROLLED_BACK→NO_ACTION'),
      ],
      'churn-live/churn-models': ['REJECTED→NO_ACTION'],
      'ranking-live/ranking-deploy/Production': ['FROZEN→NO_ACTION'],
    });
  });
});

describe('whatif command', () => {
  it('needs a table or a scenario', async () => {
    const table = process.env.STATE_TABLE;
    delete process.env.STATE_TABLE;
    try {
      await expect(runWhatIf({ policy: join(root, 'controller.yml') })).rejects.toThrow(
        'whatif needs the state table (--table <name> or STATE_TABLE) or --scenario <file>',
      );
    } finally {
      if (table !== undefined) process.env.STATE_TABLE = table;
    }
  });

  it('refuses an invalid policy with its path before replaying anything', async () => {
    const { records, end } = runs.get('demo-gates.yml')!;
    await expect(whatIfOn(records, 'version: 1\nretraining: 3\n', end)).rejects.toThrow(/retraining/);
  });

  it('prints the counts and each flip with both reasons', async () => {
    const { output } = await runWhatIf({
      policy: join(root, 'test/fixtures/whatif/stricter.yml'),
      scenario: [scenario('demo-operate.yml')],
    });
    expect(output).toContain('  gate.registry       APPROVE 2  →  APPROVE 1, REJECT 1');
    expect(output).toMatch(
      /1 decisions flip:\n {2}gate\.registry .*churn-models\/8 \(2026-11-22T16:32:00\.000Z\): APPROVE → REJECT\n {6}was: APPROVE by gate churn-quality: every check passed/,
    );
    expect(output).toMatch(/\n {6}now: REJECT by gate churn-quality: critical check failed/);
  });
});

describe('docs/whatif.md', () => {
  const doc = text('docs/whatif.md');
  const examples = [
    ...doc.matchAll(/```\n\$ npx mlops-controller whatif --scenario (\S+) --policy (\S+)\n([\s\S]*?)\n```/g),
  ];

  it('shows the comparison of the three chapters under controller.yml', () => {
    expect(examples.map((m) => m[1])).toEqual([
      'test/scenarios/demo.yml',
      'test/scenarios/demo-gates.yml',
      'test/scenarios/demo-operate.yml',
    ]);
  });

  it.each(examples.map((m) => [m[1]!, m[2]!, m[3]!]))(
    'prints what whatif prints for %s',
    async (file, policy, shown) => {
      const { records, end } = runs.get(file.replace('test/scenarios/', ''))!;
      expect((await whatIfOn(records, text(policy), end)).output).toBe(shown);
    },
  );
});
