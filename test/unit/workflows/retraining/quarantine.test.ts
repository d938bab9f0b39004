import type { ObjectRef } from '../../../../functions/domain/objects';
import { basePolicy, memoryHarness } from '../../../support/memory-harness';

const object = (key: string): ObjectRef => ({ bucket: 'DOC-EXAMPLE-BUCKET1', key: `in/${key}`, size: 10, etag: key });

/** docs: batch 0 quarantined (its objects in the ledger), the guard past it, as ingest leaves it. */
async function quarantined(guard: Record<string, unknown> = {}) {
  const policy = basePolicy();
  const h = memoryHarness(policy);
  await h.ledger.append('docs', [object('a.csv'), object('b.csv')], h.clock.now());
  const closed = await h.ledger.close('docs', () => true, h.clock.now());
  await h.runs.putBatch({
    rule: 'docs',
    seq: closed!.seq,
    status: 'QUARANTINED',
    objects: 2,
    bytes: 20,
    reason: 'in/a.csv: missing columns label',
    closedAt: closed!.closedAt,
    updatedAt: closed!.closedAt,
  });
  await h.runs.swapGuard('docs', { version: 0, startsToday: 0, nextSeq: 0 }, { startsToday: 0, nextSeq: 1, ...guard });
  return h;
}

describe('quarantine release', () => {
  it('starts the quarantined batch once however many releases race, with the reason recorded', async () => {
    const h = await quarantined();
    const results = await Promise.all([
      h.workflow.releaseQuarantined('docs', 0, 'alice: the column was renamed on purpose'),
      h.workflow.releaseQuarantined('docs', 0, 'alice: the column was renamed on purpose'),
    ]);
    expect(results.map((r) => r.outcome)).toEqual(['RELEASED', 'RELEASED']);
    // The loser of the race may re-issue the start: with the batch's own token, one execution.
    expect(new Set(h.starts().map((a) => (a.input as { clientRequestToken: string }).clientRequestToken)).size).toBe(1);
    expect(h.world.executions).toHaveLength(1);
    expect(await h.runs.getBatch('docs', 0)).toMatchObject({ status: 'STARTED', manifestUri: expect.any(String) });
    const guard = await h.runs.getGuard('docs');
    expect(guard).toMatchObject({ nextSeq: 1, running: { seq: 0 }, startsToday: 1 });
    const mine = h.decisions.decisions.filter((d) => d.subject === 'docs/0');
    expect(mine.map((d) => [d.kind, d.outcome])).toEqual([
      ['retraining.quarantine', 'RELEASED'],
      ['retraining.start', 'STARTED'],
    ]);
    expect(mine[0]!.reasons.slice(0, 2)).toEqual([
      'alice: the column was renamed on purpose',
      'quarantined for: in/a.csv: missing columns label',
    ]);
  });

  it('finishes a release interrupted after its claim: one start, with the same token', async () => {
    const since = '2026-11-22T07:59:00.000Z';
    const h = await quarantined({ running: { seq: 0, since }, starting: { seq: 0, since }, startsToday: 1 });
    expect((await h.workflow.releaseQuarantined('docs', 0, 'again')).outcome).toBe('RELEASED');
    expect((await h.workflow.releaseQuarantined('docs', 0, 'again')).outcome).toBe('REFUSED');
    expect(h.starts()).toHaveLength(1);
    expect(await h.runs.getBatch('docs', 0)).toMatchObject({ status: 'STARTED' });
  });

  it('honours the guards: a running execution defers it and nothing is written', async () => {
    const h = await quarantined({ running: { seq: 5, since: '2026-11-22T07:30:00.000Z', executionId: 'e-5' } });
    const result = await h.workflow.releaseQuarantined('docs', 0, 'try');
    expect(result).toEqual({ outcome: 'DEFERRED', reasons: ['batch 5 is still running (execution e-5)'] });
    expect(h.starts()).toHaveLength(0);
    expect(await h.runs.getBatch('docs', 0)).toMatchObject({ status: 'QUARANTINED' });
    expect(h.decisions.decisions).toEqual([]);
  });

  it.each([
    ['an unknown rule', 'nope', 0, 'no retraining rule named nope'],
    ['an unknown batch', 'docs', 7, 'no such batch'],
  ])('refuses %s', async (_, rule, seq, reason) => {
    const h = await quarantined();
    expect(await h.workflow.releaseQuarantined(rule, seq, 'x')).toEqual({ outcome: 'REFUSED', reasons: [reason] });
    expect(h.starts()).toHaveLength(0);
  });

  it('refuses a batch that is not quarantined: it starts by itself', async () => {
    const h = await quarantined();
    await h.runs.putBatch({
      rule: 'docs',
      seq: 1,
      status: 'CLOSED',
      objects: 1,
      bytes: 1,
      closedAt: 'x',
      updatedAt: 'x',
    });
    expect(await h.workflow.releaseQuarantined('docs', 1, 'x')).toEqual({
      outcome: 'REFUSED',
      reasons: ['docs/1 is CLOSED, not quarantined: it starts by itself in batch order'],
    });
  });
});

describe('quarantine drop', () => {
  it('drops once, naming the objects that will not be trained on; a dropped batch cannot be released', async () => {
    const h = await quarantined();
    expect(await h.workflow.dropQuarantined('docs', 0, 'bad export')).toEqual({
      outcome: 'DROPPED',
      reasons: ['bad export'],
    });
    expect(await h.runs.getBatch('docs', 0)).toMatchObject({
      status: 'DROPPED',
      reason: expect.stringMatching(/^dropped: bad export/),
    });
    const [dropped] = h.decisions.decisions;
    expect(dropped).toMatchObject({
      kind: 'retraining.quarantine',
      outcome: 'DROPPED',
      reasons: ['bad export', 'quarantined for: in/a.csv: missing columns label', '2 objects will not be trained on'],
      inputs: { keys: ['s3://DOC-EXAMPLE-BUCKET1/in/a.csv', 's3://DOC-EXAMPLE-BUCKET1/in/b.csv'] },
    });
    expect((await h.workflow.dropQuarantined('docs', 0, 'again')).outcome).toBe('REFUSED');
    expect((await h.workflow.releaseQuarantined('docs', 0, 'after all')).reasons[0]).toMatch(/^docs\/0 was dropped/);
    expect(h.starts()).toHaveLength(0);
    expect(h.decisions.decisions).toHaveLength(1);
  });
});
