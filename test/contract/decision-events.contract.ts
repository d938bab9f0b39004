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
}

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
