import type { Gate, GateCheck, MetricSource } from '../../config/policy-gates';
import { evaluation, packageLabel, type Evaluation } from '../../domain/gate-steps';
import {
  decideGate,
  evaluateCheck,
  isRelative,
  metadataMetric,
  metricAt,
  parseS3Uri,
  type Reading,
} from '../../domain/gates';
import { ReportError } from '../../ports/metric-reports';
import type { ModelPackage } from '../../ports/model-registry';
import type { GateFlow } from './flow';

/** Champion packages described per container. */
const CHAMPION_CACHE = 32;

/**
 * The engine both gates share: each check read (reports from S3, metadata) and judged, then the
 * outcome table (domain/gates.ts). The champion is the group's newest Approved package (by
 * CreationTime) other than the challenger: the one a SageMaker project's deploy step serves.
 */
export async function evaluate(flow: GateFlow, gate: Gate, challenger: ModelPackage): Promise<Evaluation> {
  const needsChampion = gate.checks.some(isRelative);
  const champion = needsChampion ? await championOf(flow, gate, challenger.arn) : undefined;
  const docs = new Map<string, Promise<unknown>>();
  const read = (pkg: ModelPackage, check: GateCheck, isChampion: boolean): Promise<Reading> =>
    reading(flow, gate, pkg, check.from, check.path, docs, isChampion);
  const results = await Promise.all(
    gate.checks.map(async (check) =>
      evaluateCheck(
        check,
        await read(challenger, check, false),
        champion && isRelative(check) ? await read(champion, check, true) : undefined,
      ),
    ),
  );
  return evaluation(gate, decideGate(gate, results, champion !== undefined), champion);
}

async function championOf(flow: GateFlow, gate: Gate, challengerArn: string): Promise<ModelPackage | undefined> {
  const approved = await flow.registry.listByStatus(gate.modelPackageGroup, 'Approved', 2);
  const summary = approved.find((p) => p.arn !== challengerArn);
  if (!summary) return undefined;
  const cached = flow.champions.get(summary.arn);
  if (cached) return { ...cached, status: summary.status };
  const pkg = await flow.registry.describe(summary.arn);
  if (!pkg) return undefined;
  if (flow.champions.size >= CHAMPION_CACHE) flow.champions.delete(flow.champions.keys().next().value as string);
  flow.champions.set(summary.arn, pkg);
  return pkg;
}

async function reading(
  flow: GateFlow,
  gate: Gate,
  pkg: ModelPackage,
  from: MetricSource,
  path: string,
  docs: Map<string, Promise<unknown>>,
  isChampion: boolean,
): Promise<Reading> {
  if (from === 'CustomerMetadataProperties') return metadataMetric(pkg.customerMetadata, path);
  const ref = pkg.reports[from];
  if (!ref) return { status: 'NODATA', reason: `${packageLabel(pkg)} has no ${from} report` };
  const bucket = parseS3Uri(ref.s3Uri)?.bucket;
  if (!bucket || !gate.reportBuckets.includes(bucket))
    return { status: 'ERROR', reason: `${ref.s3Uri} is outside the gate's reportBuckets: not read` };
  let doc = docs.get(ref.s3Uri);
  if (!doc) {
    doc = flow.reports.readJson(ref.s3Uri, {
      maxBytes: gate.reportMaxBytes,
      ...(ref.contentDigest ? { contentDigest: ref.contentDigest } : {}),
      cacheable: isChampion,
    });
    docs.set(ref.s3Uri, doc);
  }
  try {
    return metricAt(await doc, path);
  } catch (error) {
    if (error instanceof ReportError) return { status: error.status, reason: error.message };
    throw error;
  }
}
