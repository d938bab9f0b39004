/** The DecisionEvents port's contract: every decision becomes one `Controller Decision` event. */
import type { Decision } from '../../functions/ports/decision-log';
import type { DecisionEvents } from '../../functions/ports/decision-events';

export interface PublishedEvent {
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
}

export interface DecisionEventsSubject {
  events: DecisionEvents;
  /** What a consumer of the bus received so far (waits for `expected` events where delivery is async). */
  received(expected: number): Promise<PublishedEvent[]>;
  /** The entries of each PutEvents request sent so far. */
  requests(): Array<Array<{ Source?: string; DetailType?: string; Detail?: string; Resources?: string[] }>>;
}

/**
 * A request's size as the EventBridge user guide counts it ("Calculating PutEvents event entry
 * size"): Time 14 bytes (counted whether sent or not), Source, DetailType, Detail and each resource in UTF-8.
 */
const requestBytes = (entries: ReturnType<DecisionEventsSubject['requests']>[number]) =>
  entries.reduce(
    (sum, e) =>
      sum +
      14 +
      [e.Source, e.DetailType, e.Detail, ...(e.Resources ?? [])].reduce(
        (n, text) => n + Buffer.byteLength(text ?? '', 'utf8'),
        0,
      ),
    0,
  );

const decision = (i: number, inputs: Record<string, unknown> = { n: i }): Decision => ({
  kind: 'gate.registry',
  subject: `arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/${i}`,
  outcome: i % 2 ? 'APPROVE' : 'REJECT',
  reasons: [`reason ${i}`],
  inputs,
  at: `2026-11-22T08:00:${String(i % 60).padStart(2, '0')}.000Z`,
  id: `decision-${i}`,
  policyVersion: '0123456789abcdef',
  actions: [
    { service: 'sagemaker', operation: 'UpdateModelPackage', target: `p/${i}`, status: 'withheld', why: 'observe' },
  ],
});

export function describeDecisionEventsContract(
  name: string,
  makeSubject: () => Promise<DecisionEventsSubject>,
  options: { timeout?: number } = {},
): void {
  describe(`DecisionEvents contract: ${name}`, () => {
    let s: DecisionEventsSubject;
    beforeEach(async () => {
      s = await makeSubject();
    });

    it(
      'publishes a decision as source mlops.controller, detail-type Controller Decision, the whole record as detail',
      async () => {
        await s.events.publish([decision(1)]);
        expect(await s.received(1)).toEqual([
          { source: 'mlops.controller', detailType: 'Controller Decision', detail: { ...decision(1) } },
        ]);
      },
      options.timeout,
    );

    it(
      'publishes more decisions than one PutEvents call takes (10 entries): every one arrives',
      async () => {
        const many = Array.from({ length: 23 }, (_, i) => decision(i + 1));
        await s.events.publish(many);
        const got = await s.received(23);
        expect(got.map((e) => e.detail.id).sort()).toEqual(many.map((d) => d.id).sort());
      },
      options.timeout,
    );

    it(
      'decisions whose entries together exceed 256 KB go out in requests under 256 KB each, and every one arrives',
      async () => {
        // Each ~60 KB: ten would fit the 10-entry limit but make a ~600 KB request, which AWS refuses whole.
        const big = Array.from({ length: 10 }, (_, i) => decision(i + 1, { evidence: 'é'.repeat(30_000) }));
        await s.events.publish(big);
        const got = await s.received(10);
        expect(got.map((e) => e.detail.id).sort()).toEqual(big.map((d) => d.id).sort());
        const requests = s.requests();
        expect(requests.flat()).toHaveLength(10);
        for (const entries of requests) {
          expect(entries.length).toBeLessThanOrEqual(10);
          expect(requestBytes(entries)).toBeLessThan(262_144);
        }
      },
      options.timeout,
    );

    it(
      'a decision whose inputs exceed an event entry still arrives, with its inputs marked truncated',
      async () => {
        await s.events.publish([decision(2, { huge: 'x'.repeat(300_000) })]);
        const [event] = await s.received(1);
        expect(event?.detail).toEqual({ ...decision(2), inputs: { truncated: true } });
      },
      options.timeout,
    );
  });
}
