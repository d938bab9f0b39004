import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWhatIf, whatIfOn } from '../../../../functions/cli/commands/whatif';
import { simulate } from '../../../../functions/cli/simulate';
import { parsePolicyText, type Policy } from '../../../../functions/config/policy';
import { REDECIDED_KINDS, whatIf } from '../../../../functions/domain/whatif';
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

/**
 * Chapter 4 puts the ranking rule in observe mode for one start (a `mode` step): that start was
 * decided under another policy than controller.yml, so its write, and the start after it (whose
 * guard that withheld run shaped), are the only records controller.yml decides otherwise.
 */
const MODE_STEP: Record<string, string[]> = {
  'demo-operate.yml': ['retraining.start ranking/0', 'retraining.start ranking/1'],
};
const label = (r: { kind: string; subject: string }) => `${r.kind} ${r.subject}`;

describe('whatif with the unchanged policy', () => {
  it.each(DEMOS)('reproduces every recorded outcome of %s', async (file, policy) => {
    const { records, end } = runs.get(file)!;
    const { result } = await whatIfOn(records, text(policy), end);
    const other = new Set(MODE_STEP[file] ?? []);
    // Every verdict of a re-decided kind is replayed: SKIPPED ones, duplicate hook deliveries and
    // gates that never ran a check hold none.
    const verdicts = records.flatMap((r, i) =>
      (REDECIDED_KINDS as readonly string[]).includes(r.kind) &&
      r.outcome !== 'SKIPPED' &&
      r.outcome !== 'DUPLICATE' &&
      (!r.kind.startsWith('gate.') || 'checks' in r.inputs)
        ? [i]
        : [],
    );
    expect(verdicts.length).toBeGreaterThan(0);
    expect(verdicts.filter((i) => !result.redecided.some((r) => r.index === i))).toEqual([]);
    const mine = result.redecided.filter((r) => !other.has(label(r)));
    expect(mine.filter((r) => r.missing !== undefined)).toEqual([]);
    expect(mine.filter((r) => r.flipped)).toEqual([]);
    for (const r of mine) expect(r.after?.outcome).toBe(records[r.index]!.outcome);
    for (const c of result.counts) if (c.after && c.missing === 0) expect(c.after).toEqual(c.before);
    expect(result.batches).toEqual([]);
  });

  it("decides chapter 4's observed start again under the policy it was made under, and the start after it under controller.yml's", async () => {
    const { records, end } = runs.get('demo-operate.yml')!;
    const enforce = (await whatIfOn(records, text('controller.yml'), end)).result.redecided;
    const observed = records.find((r) => label(r) === 'retraining.start ranking/0')!;
    // The step changed the policy, so the record names another policy version than its neighbours.
    expect(observed.policyVersion).not.toBe(
      records.find((r) => label(r) === 'retraining.start ranking/1')!.policyVersion,
    );
    expect(enforce.filter((r) => r.flipped || r.missing).map((r) => [label(r), r.missing === undefined])).toEqual([
      ['retraining.start ranking/0', true],
      ['retraining.start ranking/1', false],
    ]);
    expect(enforce.find((r) => r.flipped)!.actions?.after.map((a) => a.status)).toEqual(['taken']);

    const policy = parsePolicyText(text('controller.yml'));
    const ranking = policy.retraining.find((r) => r.name === 'ranking')!;
    const observing = {
      ...policy,
      retraining: policy.retraining.map((r) => (r === ranking ? { ...r, mode: 'observe' as const } : r)),
    };
    const under = whatIf(records, observing, end).redecided;
    // Under the step's policy ranking/0 stands as recorded; ranking/1, made after the step was undone, is the one withheld now.
    expect(under.filter((r) => r.flipped || r.missing).map((r) => [label(r), r.actions?.after[0]?.why])).toEqual([
      ['retraining.start ranking/1', 'observe (retraining[1].mode)'],
    ]);
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
    const reasons = Object.fromEntries(
      result.redecided.filter((r) => r.kind === 'retraining.batch').map((r) => [r.subject, r.after?.reasons[0]]),
    );
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
    // controller.yml enforces the ranking rule the chapter observed for one start: that write is made.
    [
      'demo-operate.yml',
      [
        ['ranking/0', 'STARTED', 'STARTED'],
        ['churn-models/8', 'APPROVE', 'REJECT'],
      ],
    ],
  ])('rejects the packages under AUC 0.84 in %s, with the failing check as the reason', async (file, expected) => {
    const { result, flips: f } = await flips(file, stricter);
    expect(f).toEqual(expected);
    const flipped = result.redecided.find((r) => r.flipped && r.kind === 'gate.registry')!;
    expect(flipped.after?.reasons[0]).toMatch(
      /^REJECT by gate churn-quality: critical check failed\..*\nauc=0\.83.* FAIL critical: < min 0\.84/s,
    );
  });

  it("leaves the starts of re-formed batches, and the rule's decisions after them, undecided with why", async () => {
    const { result } = await flips('demo.yml', stricter);
    const missing = result.redecided.filter((r) => r.missing !== undefined).map((r) => `${r.kind} ${r.subject}`);
    expect(missing).toEqual([
      'retraining.start ranking/0',
      'retraining.start churn/0',
      'retraining.defer ranking/1',
      'retraining.start ranking/1',
      'retraining.defer churn/2',
      'retraining.start churn/2',
    ]);
    expect(result.redecided.find((r) => r.kind === 'retraining.start' && r.subject === 'churn/0')?.missing).toBe(
      'the new policy forms batch churn/0 otherwise (split or merged), and the starts of the batches it forms instead are not modelled',
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

/** `file`'s policy with `change` applied to its parsed form. */
const changed = (file: string, change: (p: Policy) => Policy): Policy => change(parsePolicyText(text(file)));
const ROLLBACK_POLICY = 'test/scenarios/rollback-policy.yml';
const flipsOf = (file: string, policy: Policy) => {
  const { records, end } = runs.get(file)!;
  return whatIf(records, policy, end).redecided.filter((r) => r.flipped || r.missing !== undefined);
};

describe('whatif: a stricter policy for each kind it re-decides', () => {
  it('a smoke check that expects another key fails the hook it passed; observe mode withholds the Failed', () => {
    const strictSmoke = changed(ROLLBACK_POLICY, (p) => ({
      ...p,
      hooks: p.hooks.map((h) => ({ ...h, smoke: { ...h.smoke!, expectJsonKeys: ['predictions', 'model_version'] } })),
    }));
    const hooks = flipsOf('demo-rollback.yml', strictSmoke).filter((r) => r.kind === 'rollback.hook');
    expect(hooks.map((r) => [r.at, r.before.outcome, r.after?.outcome, r.after?.reasons[0]])).toEqual([
      [
        '2026-11-22T14:00:00.000Z',
        'SUCCEEDED',
        'FAILED',
        'smoke FAIL: churn-live-endpoint: response lacks model_version',
      ],
    ]);

    const observing = changed(ROLLBACK_POLICY, (p) => ({
      ...p,
      hooks: p.hooks.map((h) => ({ ...h, mode: 'observe' as const })),
    }));
    const withheld = flipsOf('demo-rollback.yml', observing).filter((r) => r.kind === 'rollback.hook');
    expect(withheld.map((r) => [r.at, r.before.outcome, r.after?.outcome, r.after?.reasons.at(-1)])).toEqual([
      [
        '2026-11-22T14:02:00.000Z',
        'FAILED',
        'FAILED',
        'answered Succeeded, the Failed withheld (observe (hooks[0].mode))',
      ],
    ]);
  });

  it('one retry instead of two leaves the stage failed at its second failure, and says the third may not have happened', () => {
    const once = changed(ROLLBACK_POLICY, (p) => ({
      ...p,
      stageRetry: p.stageRetry.map((r) => ({ ...r, maxAttempts: 1 })),
    }));
    const retries = flipsOf('demo-rollback.yml', once).filter((r) => r.kind === 'rollback.stage-retry');
    expect(retries.map((r) => [r.at, r.before.outcome, r.after?.outcome ?? r.missing])).toEqual([
      ['2026-11-22T15:45:00.000Z', 'RETRIED', 'LEFT_FAILED'],
      [
        '2026-11-22T15:55:00.000Z',
        'LEFT_FAILED',
        'the retry at 2026-11-22T15:45:00.000Z flips (RETRIED → LEFT_FAILED), so this later failure of the stage may not have happened',
      ],
    ]);
    expect(retries[0]!.after?.reasons).toEqual(['1 retries used: the stage stays failed for a person to look at']);
  });

  it('a longer cooldown defers the ranking start it allowed, with both reasons, and leaves the rest of the rule undecided', () => {
    const slower = changed('controller.yml', (p) => ({
      ...p,
      retraining: p.retraining.map((r) =>
        r.name === 'ranking' ? { ...r, guards: { ...r.guards, cooldownSeconds: 3600 } } : r,
      ),
    }));
    const starts = flipsOf('demo.yml', slower);
    expect(starts.map((r) => [r.kind, r.subject, r.before.outcome, r.after?.outcome])).toEqual([
      ['retraining.start', 'ranking/1', 'STARTED', 'DEFERRED'],
    ]);
    expect(starts[0]!.before.reasons).toEqual(['guards clear (cooldown 600s, daily cap none, exclusive true)']);
    expect(starts[0]!.after?.reasons).toEqual([
      'cooldown: last start 2026-11-22T08:00:00.000Z, next allowed 2026-11-22T09:00:00.000Z',
    ]);
  });

  it('a daily cap of one defers the second churn start of the day', () => {
    const capped = changed('controller.yml', (p) => ({
      ...p,
      retraining: p.retraining.map((r) => (r.name === 'churn' ? { ...r, guards: { ...r.guards, dailyCap: 1 } } : r)),
    }));
    const starts = flipsOf('demo.yml', capped);
    expect(starts.map((r) => [r.subject, r.before.outcome, r.after?.outcome])).toEqual([
      ['churn/2', 'STARTED', 'DEFERRED'],
    ]);
    expect(starts[0]!.after?.reasons).toEqual(['daily cap: 1 of 1 starts used on 2026-11-22']);
  });

  it('a binding put in observe mode withholds the freeze it made, and the decision stands', () => {
    const observing = changed(ROLLBACK_POLICY, (p) => ({
      ...p,
      rollback: p.rollback.map((b) => (b.name === 'ranking-live' ? { ...b, mode: 'observe' as const } : b)),
    }));
    const flipped = flipsOf('demo-rollback.yml', observing);
    expect(flipped.every((r) => r.subject.startsWith('ranking-live/') && r.after?.outcome === r.before.outcome)).toBe(
      true,
    );
    const freeze = flipped.find((r) => r.kind === 'rollback.freeze')!;
    expect(freeze.actions?.after.map((a) => [a.operation, a.status, a.why])).toEqual([
      ['DisableStageTransition', 'withheld', 'observe (rollback[1].mode)'],
    ]);
    expect(freeze.after?.reasons.at(-1)).toBe(
      'would withhold codepipeline DisableStageTransition ranking-deploy/Production: observe (rollback[1].mode) (it was taken)',
    );
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
      /2 decisions flip:\n[\s\S]*\n {2}gate\.registry .*churn-models\/8 \(2026-11-22T16:32:00\.000Z\): APPROVE → REJECT\n {6}was: APPROVE by gate churn-quality: every check passed/,
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
