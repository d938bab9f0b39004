/**
 * The DecisionLog's write-ahead commit, shared by the memory log and the DynamoDB log: the record
 * and the one-decision claim are one atomic write; a failed commit gives the claim back.
 */
import { randomBytes } from 'node:crypto';
import { writes } from '../../functions/domain/writes';
import type { Decision, DecisionLog } from '../../functions/ports/decision-log';
import type { KillSwitch } from '../../functions/ports/kill-switch';

export interface DecisionLogSubject {
  log: DecisionLog;
  /** The functions' switch (with its cache; the log is built with it) and the operator's, on the same store. */
  killSwitch: KillSwitch;
  operator: KillSwitch;
  /** Every record stored so far (oldest first). */
  records(): Promise<Decision[]>;
  advance(seconds: number): void;
  now(): string;
}

const fresh = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

export function describeDecisionLogContract(name: string, makeSubject: () => Promise<DecisionLogSubject>): void {
  describe(`DecisionLog commit contract: ${name}`, () => {
    let s: DecisionLogSubject;
    beforeEach(async () => {
      s = await makeSubject();
    });

    const decision = (subject: string, outcome = 'STOPPED'): Decision => ({
      kind: 'rollback.codedeploy',
      subject,
      outcome,
      reasons: ['alarm errors in ALARM'],
      inputs: { version: 'd-1' },
      at: s.now(),
    });
    const mine = async (subject: string) => (await s.records()).filter((d) => d.subject === subject);

    it('stores the record with its planned writes as taken actions when the claim is free', async () => {
      const subject = fresh('churn-live/codedeploy');
      const committed = await s.log.commit(decision(subject), { key: subject, ttlSeconds: 300 }, [
        writes.stopDeployment('d-1', 'app', 'group'),
      ]);
      expect(committed).toBeDefined();
      await committed!.done();
      expect(await mine(subject)).toEqual([
        expect.objectContaining({
          outcome: 'STOPPED',
          actions: [{ service: 'codedeploy', operation: 'StopDeployment', target: 'd-1', status: 'taken' }],
        }),
      ]);
    });

    it('writes nothing for a second commit under a held claim', async () => {
      const subject = fresh('s');
      expect(await s.log.commit(decision(subject), { key: subject, ttlSeconds: 300 }, [])).toBeDefined();
      expect(await s.log.commit(decision(subject, 'AGAIN'), { key: subject, ttlSeconds: 300 }, [])).toBeUndefined();
      expect((await mine(subject)).map((d) => d.outcome)).toEqual(['STOPPED']);
    });

    it('lets exactly one of eight concurrent commits of one claim through, with one record', async () => {
      const subject = fresh('race');
      const results = await Promise.all(
        Array.from({ length: 8 }, () => s.log.commit(decision(subject), { key: subject, ttlSeconds: 300 }, [])),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await mine(subject)).toHaveLength(1);
    });

    it('a failed commit says so in its record and gives the claim back at once', async () => {
      const subject = fresh('fail');
      const committed = await s.log.commit(decision(subject), { key: subject, ttlSeconds: 300 }, [
        writes.updateEndpoint('ep', 'cfg-1'),
      ]);
      await committed!.fail(new Error('UpdateEndpoint throttled'));
      const [failed] = await mine(subject);
      expect(failed).toEqual(
        expect.objectContaining({
          outcome: 'FAILED',
          actions: [{ service: 'sagemaker', operation: 'UpdateEndpoint', target: 'ep -> cfg-1', status: 'failed' }],
        }),
      );
      expect(failed!.reasons[0]).toMatch(/STOPPED was committed, but its writes failed: UpdateEndpoint throttled/);
      const retried = await s.log.commit(decision(subject), { key: subject, ttlSeconds: 300 }, []);
      expect(retried).toBeDefined();
      expect((await mine(subject)).map((d) => d.outcome).sort()).toEqual(['FAILED', 'STOPPED']);
    });

    it('tells a claim taken from one free, expired or given back, with no write', async () => {
      const subject = fresh('taken');
      expect(await s.log.taken(subject)).toBe(false);
      const committed = await s.log.commit(decision(subject), { key: subject, ttlSeconds: 60 }, []);
      expect(await s.log.taken(subject)).toBe(true);
      const before = (await mine(subject)).length;
      await s.log.taken(subject);
      expect(await mine(subject)).toHaveLength(before);
      await committed!.fail(new Error('throttled'));
      expect(await s.log.taken(subject)).toBe(false);
      const expiring = fresh('taken-expiring');
      await s.log.commit(decision(expiring), { key: expiring, ttlSeconds: 60 }, []);
      s.advance(61);
      expect(await s.log.taken(expiring)).toBe(false);
    });

    it('a claim whose holder never finished is taken over once its time has passed', async () => {
      const subject = fresh('crash');
      expect(await s.log.commit(decision(subject), { key: subject, ttlSeconds: 60 }, [])).toBeDefined();
      s.advance(30);
      expect(await s.log.commit(decision(subject), { key: subject, ttlSeconds: 60 }, [])).toBeUndefined();
      s.advance(31);
      expect(await s.log.commit(decision(subject), { key: subject, ttlSeconds: 60 }, [])).toBeDefined();
    });

    it('a done claim that asks to be kept is held keepSeconds from then; a failed one is given back', async () => {
      const subject = fresh('kept');
      const claim = { key: subject, ttlSeconds: 60, keepSeconds: 3_600 };
      await (await s.log.commit(decision(subject), claim, []))!.done();
      s.advance(61);
      expect(await s.log.commit(decision(subject), claim, [])).toBeUndefined();
      s.advance(3_540);
      expect(await s.log.commit(decision(subject), claim, [])).toBeDefined();
      const failing = fresh('kept-failed');
      await (await s.log.commit(decision(failing), { ...claim, key: failing }, []))!.fail(new Error('throttled'));
      expect(await s.log.commit(decision(failing), { ...claim, key: failing }, [])).toBeDefined();
    });

    it('commits unless paused, and a pause set a moment ago counts even where the switch is cached', async () => {
      const subject = fresh('pause');
      expect((await s.killSwitch.state()).paused).toBe(false); // cached as not paused
      await s.operator.set({ paused: true, by: 'alice', reason: 'incident 42' });
      const refused = await s.log.commit(decision(subject), { key: subject, ttlSeconds: 300 }, [], {
        unlessPaused: true,
      });
      expect(refused).toEqual({
        paused: expect.objectContaining({ paused: true, by: 'alice', reason: 'incident 42' }),
      });
      expect(await mine(subject)).toEqual([]);
      await s.operator.set({ paused: false, by: 'bob' });
      const committed = await s.log.commit(decision(subject), { key: subject, ttlSeconds: 300 }, [], {
        unlessPaused: true,
      });
      expect(committed && 'done' in committed).toBe(true);
      expect(await mine(subject)).toHaveLength(1);
    });
  });
}
