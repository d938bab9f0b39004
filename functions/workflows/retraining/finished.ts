import type { RetrainingTarget, TargetType } from '../../config/policy';
import { giveSlot } from './slots';
import { releaseRunning } from '../../domain/guards';
import { explainFailed, FAILED } from './failed';
import type { RetrainingFlow } from './flow';
import { runState, startDue } from './starts';

/** The target an execution state change names (a state machine also by its ARN). */
export interface FinishedTarget {
  type: TargetType;
  name: string;
  stateMachineArn?: string;
}

/** A pipeline execution ended: free the rules it was blocking and start what waits. */
export async function onExecutionFinished(
  flow: RetrainingFlow,
  target: FinishedTarget,
  executionId: string,
  status: string,
  eventId: string,
): Promise<void> {
  const rules = flow.policy.retraining.filter((r) => targets(r.target, target));
  if (rules.length === 0) {
    await flow.recorder.ignore(
      `execution/${executionId}`,
      [`${target.type} pipeline ${target.name} is not a retraining target`],
      { eventId, status },
    );
    return;
  }
  // The build's slot is the account's, not the rule's: free it first, then every codebuild rule
  // may start what the full slots deferred.
  if (target.type === 'codebuild') await giveSlot(flow, executionId);
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
          // The run's start and (this record's time) its end: its real duration, on record.
          inputs: { eventId, executionId, startedAt: running.since },
        });
        // After the release that only one delivery wins: one explanation per failure.
        if (FAILED.has(status)) await explainFailed(flow, rule, `${rule.name}/${running.seq}`, executionId, eventId);
        break;
      }
    }
    await startDue(flow, rule);
  }
  if (target.type === 'codebuild')
    for (const rule of flow.policy.retraining)
      if (rule.target.type === 'codebuild' && !rules.includes(rule)) await startDue(flow, rule);
}

/** Whether the policy target `mine` is the target an event named. */
function targets(mine: RetrainingTarget, named: FinishedTarget): boolean {
  if (mine.type !== named.type) return false;
  // SageMaker writes pipeline names into ARNs in lower case ("Ranking-Training" has the ARN
  // .../pipeline/ranking-training), and its names are unique case-insensitively.
  if (mine.type === 'sagemaker') return mine.name.toLowerCase() === named.name.toLowerCase();
  // A state machine is known by its ARN; a rule naming a version or alias still runs executions
  // of the state machine, whose ARN the event carries.
  if (mine.type === 'stepfunctions')
    return named.stateMachineArn !== undefined && unqualified(mine.stateMachineArn) === named.stateMachineArn;
  return mine.name === named.name;
}

const unqualified = (arn: string): string => arn.split(':').slice(0, 7).join(':');
