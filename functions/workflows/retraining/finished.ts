import { releaseRunning } from '../../domain/guards';
import { explainFailed, FAILED } from './failed';
import type { RetrainingFlow } from './flow';
import { runState, startDue } from './starts';

/** A pipeline execution ended: free the rules it was blocking and start what waits. */
export async function onExecutionFinished(
  flow: RetrainingFlow,
  target: { type: 'codepipeline' | 'sagemaker'; name: string },
  executionId: string,
  status: string,
  eventId: string,
): Promise<void> {
  // SageMaker writes pipeline names into ARNs in lower case ("Ranking-Training" has the ARN
  // .../pipeline/ranking-training), and its names are unique case-insensitively.
  const sameName =
    target.type === 'sagemaker'
      ? (name: string) => name.toLowerCase() === target.name.toLowerCase()
      : (name: string) => name === target.name;
  const rules = flow.policy.retraining.filter((r) => r.target.type === target.type && sameName(r.target.name));
  if (rules.length === 0) {
    await flow.recorder.ignore(
      `execution/${executionId}`,
      [`${target.type} pipeline ${target.name} is not a retraining target`],
      { eventId, status },
    );
    return;
  }
  for (const rule of rules) {
    for (let i = 0; i < 5; i++) {
      const guard = await flow.runs.getGuard(rule.name);
      const running = (await runState(flow, rule, guard)).guard.running;
      if (!running || running.executionId !== executionId) break;
      if (await flow.runs.swapGuard(rule.name, guard, releaseRunning(guard))) {
        await flow.recorder.record({
          kind: 'retraining.release',
          subject: `${rule.name}/${running.seq}`,
          outcome: status,
          // A withheld start (starts.ts) has no execution to end: say so rather than "ended".
          reasons: [
            status === 'WITHHELD'
              ? 'the start was withheld, so no execution runs: the rule is free for its next batch'
              : `execution ${executionId} ended ${status}`,
          ],
          inputs: { eventId },
        });
        // After the release that only one delivery wins: one explanation per failure.
        if (FAILED.has(status)) await explainFailed(flow, rule, `${rule.name}/${running.seq}`, executionId, eventId);
        break;
      }
    }
    await startDue(flow, rule);
  }
}
