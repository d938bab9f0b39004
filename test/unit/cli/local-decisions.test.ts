import { execFileSync, spawnSync } from 'node:child_process';
import { decisionQuery } from '../../../functions/cli/commands/decisions';
import { scenarioDecisions } from '../../../functions/cli/local-decisions';
import { decisionTable } from '../../../functions/cli/operate';
import type { Decision } from '../../../functions/ports/decision-log';

describe('decisions --scenario', () => {
  it('lists the run records of one subject with the actions each took or withheld', async () => {
    const listed = await scenarioDecisions('test/scenarios/hardening-observe.yml', { subject: 'clicks/2' });
    expect(listed.map((r) => r.kind)).toEqual(['retraining.batch', 'retraining.start', 'retraining.release']);
    expect(listed[1]).toEqual(
      expect.objectContaining({
        id: expect.stringMatching(/^decision-\d{6}$/),
        policyVersion: expect.stringMatching(/^[0-9a-f]{16}$/),
        actions: [expect.objectContaining({ status: 'withheld', why: 'paused by alice: incident 42' })],
      }),
    );
  });

  it('the CLI prints the same table as the AWS path, and JSON filtered by --since', () => {
    const run = (...args: string[]) =>
      execFileSync(
        'node',
        ['functions/cli/bin.mjs', 'decisions', '--scenario', 'test/scenarios/hardening-observe.yml', ...args],
        {
          encoding: 'utf8',
        },
      );
    const table = run('--subject', 'clicks/0');
    expect(table.split('\n')[0]).toMatch(/^AT \(UTC\)\s+KIND\s+SUBJECT\s+OUTCOME\s+ACTIONS\s+WHY$/);
    expect(table).toContain('⊘StartPipelineExecution');
    const json = JSON.parse(run('--since', '2026-11-22T08:35:00Z', '--json')) as Decision[];
    expect(json.length).toBeGreaterThan(0);
    expect(json.every((r) => r.at >= '2026-11-22T08:35:00')).toBe(true);
    expect(table.trimEnd()).toBe(decisionTable(JSON.parse(run('--subject', 'clicks/0', '--json')) as Decision[]));
  });
});

describe('decisions filters', () => {
  const HELD = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/5';

  it.each([
    [{}, {}],
    [
      { kind: 'gate', outcome: ['HOLD', 'REJECT'], since: 'a', until: 'b', subject: 's', limit: 3 },
      { kind: 'gate', outcomes: ['HOLD', 'REJECT'], since: 'a', until: 'b', subject: 's', limit: 3 },
    ],
    [{ outcome: [] }, {}],
  ])('the flags %j are the query %j', (flags, query) => {
    expect(decisionQuery(flags)).toEqual(query);
  });

  it('--kind, --outcome (comma lists, repeatable) and a package ARN select on the embedded backend', () => {
    const run = (...args: string[]) =>
      JSON.parse(
        execFileSync(
          'node',
          ['functions/cli/bin.mjs', 'decisions', '--scenario', 'test/scenarios/demo-gates.yml', '--json', ...args],
          { encoding: 'utf8' },
        ),
      ) as Decision[];
    const held = run('--kind', 'gate', '--outcome', 'HOLD', '--outcome', 'REJECT,APPROVE');
    expect(held.length).toBeGreaterThan(1);
    expect(held.every((d) => d.kind.startsWith('gate.') && ['HOLD', 'REJECT', 'APPROVE'].includes(d.outcome))).toBe(
      true,
    );
    expect(run('--subject', HELD).map((d) => [d.kind, d.outcome])).toEqual([['gate.registry', 'HOLD']]);
    expect(run('--kind', 'gate.registry', '--limit', '1')).toHaveLength(1);
  });

  it('a --limit that is not a whole number > 0 is a one-line error', () => {
    const run = spawnSync(
      'node',
      ['functions/cli/bin.mjs', 'decisions', '--scenario', 'test/scenarios/demo-gates.yml', '--limit', '0'],
      { encoding: 'utf8' },
    );
    expect([run.status, run.stderr.trim()]).toEqual([1, 'error: --limit: "0" is not a whole number > 0']);
  });
});
