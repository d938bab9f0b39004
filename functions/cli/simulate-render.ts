/**
 * The readable timeline of a simulation: narration, the decisions and the AWS write calls as they
 * happen (each call described completely, never cut off), failed deliveries, and a summary.
 */
import type { Action } from '../adapters/memory/world';
import { rollbackWorld } from '../adapters/memory/rollback-world';
import type { Decision } from '../ports/decision-log';
import type { SimWorld } from './simulate-world';

/** "1 SQS batch", "52 SQS batches", "3 events". */
export function plural(n: number, word: string): string {
  if (n === 1) return `1 ${word}`;
  return `${n} ${/(s|x|ch|sh)$/.test(word) ? `${word}es` : `${word}s`}`;
}

const time = (iso: string) => iso.slice(11, 19);
/** Decision lines start "HH:MM:SS    ◆ "; a reason's own further lines (a gate's metrics) sit under it. */
const CONTINUATION = ' '.repeat(14);

export function decisionLines(d: Decision): string[] {
  const reasons = d.reasons.join('; ').replace(/\n/g, `\n${CONTINUATION}`);
  return [
    `${time(d.at)}    ◆ ${d.kind.padEnd(22)} ${d.subject.padEnd(22)} ${d.outcome.padEnd(11)} ${reasons}`,
    ...(d.actions ?? [])
      .filter((a) => a.status === 'withheld')
      .map((a) => `${time(d.at)}    ⊘ withheld ${a.service} ${a.operation} ${a.target}: ${a.why}`),
  ];
}

const packageName = (arn: unknown) => String(arn).split(':model-package/')[1] ?? String(arn);

/** The start calls of every target type. */
const START_OPERATIONS = new Set(['StartPipelineExecution', 'StartExecution', 'StartBuild']);

/** One write call's input, in full, in the words of its operation. */
export function describeInput(a: Pick<Action, 'operation' | 'input'>): string {
  const i = a.input as Record<string, unknown>;
  switch (a.operation) {
    case 'StartPipelineExecution': {
      const params = (i.variables ?? i.PipelineParameters) as Array<Record<string, string>> | undefined;
      const manifest = params?.find((p) => /manifest/i.test(p.name ?? p.Name ?? ''));
      return `${i.name ?? i.PipelineName} manifest=${manifest?.value ?? manifest?.Value} token=${String(i.clientRequestToken ?? i.ClientRequestToken).slice(0, 8)}…`;
    }
    case 'StartExecution': {
      const input = JSON.parse(String(i.input)) as { manifestUri?: string };
      return `${String(i.stateMachineArn).split(':')[6]} name=${i.name} manifest=${input.manifestUri}`;
    }
    case 'StartBuild': {
      const vars = (i.environmentVariablesOverride ?? []) as Array<Record<string, string>>;
      const manifest = vars.find((v) => /manifest/i.test(v.name ?? ''));
      return `${i.projectName} manifest=${manifest?.value} token=${String(i.idempotencyToken).slice(0, 8)}…`;
    }
    case 'PutObject':
      return `s3://${i.Bucket}/${i.Key}`;
    case 'UpdateModelPackage':
      return `${packageName(i.ModelPackageArn)} → ${i.ModelApprovalStatus}`;
    case 'PutApprovalResult':
      return `${i.pipelineName}/${i.stageName}/${i.actionName} → ${(i.result as { status: string }).status}`;
    case 'Publish':
      return `${String(i.TopicArn).split(':').at(-1)}: ${i.Subject}`;
    case 'PutLifecycleEventHookExecutionStatus':
      return `${i.deploymentId}/${i.lifecycleEventHookExecutionId} → ${i.status}`;
    case 'StopDeployment':
      return `${i.deploymentId}${i.autoRollbackEnabled ? ' (autoRollbackEnabled: CodeDeploy rolls back)' : ''}`;
    case 'CreateDeployment':
      return `${i.applicationName}/${i.deploymentGroupName}: ${i.description}`;
    case 'DisableStageTransition':
      return `${i.pipelineName}/${i.stageName} (${i.transitionType}): ${i.reason}`;
    case 'EnableStageTransition':
      return `${i.pipelineName}/${i.stageName} (${i.transitionType})`;
    case 'RetryStageExecution':
      return `${i.pipelineName}/${i.stageName} execution ${i.pipelineExecutionId} (${i.retryMode})`;
    case 'UpdateEndpoint':
      return `${i.EndpointName} → ${i.EndpointConfigName}${i.RetainAllVariantProperties ? ' (variant properties kept)' : ''}`;
    default:
      return JSON.stringify(i);
  }
}

export function actionLine(a: Action): string {
  return `${time(a.at)}    ▶ ${a.service} ${a.operation} ${describeInput(a)}`;
}

/** What was written, and what is left running or frozen, at the end of a scenario. */
export function summaryLines(sim: SimWorld): string[] {
  const { world } = sim;
  const decisions = sim.decisions.decisions;
  const count = (kind: string) => decisions.filter((d) => d.kind === kind).length;
  const lines = ['Summary'];
  const retraining = decisions.filter((d) => d.kind.startsWith('retraining.'));
  if (world.executions.length || retraining.length) {
    const starts = world.actions.filter((a) => START_OPERATIONS.has(a.operation)).length;
    lines.push(`  pipeline executions started: ${world.executions.length} (${plural(starts, 'start call')})`);
    const batches = ['retraining.batch', 'retraining.quarantine', 'retraining.defer', 'retraining.ignore'].map(count);
    if (batches.some((n) => n > 0))
      lines.push(
        `  batches closed: ${batches[0]}, quarantined: ${batches[1]}, deferrals: ${batches[2]}, ignored deliveries: ${batches[3]}`,
      );
  }
  const gates = decisions.filter((d) => d.kind === 'gate.registry' || d.kind === 'gate.approval');
  if (gates.length) {
    const outcome = (o: string) => gates.filter((d) => d.outcome === o).length;
    lines.push(
      `  gate decisions: ${outcome('APPROVE')} approved, ${outcome('REJECT')} rejected, ${outcome('HOLD')} held, ${outcome('SKIPPED')} skipped (already decided)`,
    );
  }
  // Each decision's own event (PutEvents) has its line below.
  const writes = world.actions.filter((a) => a.operation !== 'PutEvents');
  if (writes.length) {
    const byCall = new Map<string, number>();
    for (const a of writes)
      byCall.set(`${a.service} ${a.operation}`, (byCall.get(`${a.service} ${a.operation}`) ?? 0) + 1);
    lines.push(
      `  AWS write calls: ${writes.length} (${[...byCall].map(([call, n]) => (n > 1 ? `${call} ×${n}` : call)).join(', ')})`,
    );
  }
  const frozen = [...rollbackWorld(world).disabledTransitions.keys()];
  if (frozen.length) lines.push(`  frozen transitions: ${frozen.join(', ')}`);
  const withheld = decisions.flatMap((d) => (d.actions ?? []).filter((a) => a.status === 'withheld'));
  if (withheld.length)
    lines.push(
      `  withheld write calls: ${withheld.length} (observe: ${withheld.filter((a) => a.why?.startsWith('observe')).length}, paused: ${withheld.filter((a) => a.why?.startsWith('paused')).length})`,
    );
  const { topicArn } = sim.policy.controller.decisions;
  const puts = world.actions.filter((a) => a.service === 'events' && a.operation === 'PutEvents');
  const notices = topicArn
    ? world.actions.filter((a) => a.operation === 'Publish' && (a.input as { TopicArn?: string }).TopicArn === topicArn)
    : [];
  if (puts.length || notices.length) {
    const entries = puts.reduce((n, a) => n + ((a.input as { Entries?: unknown[] }).Entries?.length ?? 0), 0);
    lines.push(
      `  decisions published: ${plural(entries, 'Controller Decision event')} (${plural(puts.length, 'PutEvents call')})${topicArn ? `, ${plural(notices.length, 'SNS notice')}` : ''}`,
    );
  }
  for (const e of world.executions)
    lines.push(
      `  ${e.kind} ${e.pipeline} ${e.id.split('/').at(-1)} ${e.status} manifest=${Object.entries(e.values).find(([k]) => /manifest/i.test(k))?.[1]}`,
    );
  return lines;
}
