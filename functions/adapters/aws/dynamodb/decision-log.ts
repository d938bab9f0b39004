/**
 * Decision records on the state table, one partition per UTC day (pk `DECISIONS#YYYY-MM-DD`,
 * sk `<at>#<kind>#<random>`), expiring after `ttlDays`. Items stay under 4 KB (4 write units at
 * most) by truncating the recorded inputs, and the reasons if they alone are too long.
 *
 * `commit` writes the record together with its claim (pk `CLAIM#<key>`, sk `CLAIM`, the item
 * DynamoClaims writes) in one TransactWriteItems: one call instead of a claim before the writes
 * and a record after them, and a decision can no longer be made without its record.
 */
import {
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { failedDecision, withPlanned } from '../../../domain/commits';
import { ContentionError } from '../../../domain/errors';
import type {
  ActionRecord,
  CommitOptions,
  CommittedDecision,
  Decision,
  DecisionClaim,
  DecisionLog,
  Paused,
  PlannedWrite,
} from '../../../ports/decision-log';
import type { DecisionHistory, DecisionQuery } from '../../../ports/decision-history';
import { systemClock, type Clock } from '../../../ports/clock';
import { ControllerError } from '../../../domain/errors';
import { decisionWindow, isModelPackageArn, packagesTouched } from '../../../domain/decision-query';
import { N, S, call, conditionally, isTransactionCancelled, str, type Item } from './items';
import { claimPut } from './claims';
import type { DynamoKillSwitch } from './kill-switch';

export interface DynamoDecisionLogOptions {
  /** Days a record is kept (DynamoDB TTL on `ttl`); default 90. */
  ttlDays?: number;
  clock?: Clock;
  /**
   * The switch a commit `unlessPaused` is held to. On this table it is checked inside the commit's
   * own transaction (one call, and a pause set a moment ago counts); on another it is read first.
   */
  killSwitch?: DynamoKillSwitch;
}

export type { DecisionQuery };

/** Budget for the whole item; DynamoDB's item size counts attribute names and values. */
const MAX_ITEM_BYTES = 4_000;
const MAX_REASONS_BYTES = 1_500;
const MAX_ACTIONS_BYTES = 1_000;
const MAX_ACTION_FIELD = 200;
/** The packages a record touched (what `decisions --subject <package ARN>` finds it by). */
const MAX_PACKAGES_BYTES = 800;
const DAY_MS = 86_400_000;

export class DynamoDecisionLog implements DecisionLog, DecisionHistory {
  private readonly ttlDays: number;
  private readonly clock: Clock;
  private readonly killSwitch: DynamoKillSwitch | undefined;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    options: DynamoDecisionLogOptions = {},
  ) {
    this.ttlDays = options.ttlDays ?? 90;
    this.clock = options.clock ?? systemClock;
    this.killSwitch = options.killSwitch;
  }

  async record(decision: Decision): Promise<void> {
    const item = this.item(decision, randomBytes(4).toString('hex'));
    await call('PutItem', () => this.client.send(new PutItemCommand({ TableName: this.table, Item: item })), {
      clock: this.clock,
    });
  }

  commit(
    decision: Decision,
    claim: DecisionClaim,
    planned: readonly PlannedWrite[],
  ): Promise<CommittedDecision | undefined>;
  commit(
    decision: Decision,
    claim: DecisionClaim,
    planned: readonly PlannedWrite[],
    options: CommitOptions,
  ): Promise<CommittedDecision | Paused | undefined>;
  async commit(
    decision: Decision,
    claim: DecisionClaim,
    planned: readonly PlannedWrite[],
    options: CommitOptions = {},
  ): Promise<CommittedDecision | Paused | undefined> {
    const killSwitch = options.unlessPaused ? this.killSwitch : undefined;
    if (options.unlessPaused && !killSwitch) throw new ControllerError('kill switch not wired');
    const check = killSwitch?.notPausedCheck(this.table);
    if (killSwitch && !check) {
      const state = await killSwitch.state();
      if (state.paused) return { paused: state };
    }
    const committed = withPlanned(decision, planned);
    const record = this.item(committed, randomBytes(4).toString('hex'));
    const owner = randomBytes(8).toString('base64url');
    const claimed = claimPut(this.table, claim.key, claim.ttlSeconds, this.clock.now(), owner);
    /** The record, rewritten in place after the writes failed. */
    const failedRecord = (error: unknown): Item => this.item(failedDecision(committed, error), '', record);
    // Gives the claim back and marks the record failed, only while the claim is still ours.
    const giveBack = (error: unknown): TransactWriteItem[] => [
      {
        Delete: {
          TableName: this.table,
          Key: { pk: claimed.Item.pk!, sk: claimed.Item.sk! },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': S(owner) },
        },
      },
      { Put: { TableName: this.table, Item: failedRecord(error) } },
    ];
    try {
      await this.transact([
        { Put: claimed },
        { Put: { TableName: this.table, Item: record } },
        ...(check ? [{ ConditionCheck: check }] : []),
      ]);
    } catch (error) {
      if (isTransactionCancelled(error)) {
        const codes = cancellationCodes(error);
        if (codes[0] === 'ConditionalCheckFailed') return undefined;
        if (check && codes[2] === 'ConditionalCheckFailed') {
          const seen = (error as { CancellationReasons?: { Item?: Item }[] }).CancellationReasons?.[2]?.Item;
          // The check's item names who paused and why; without it, read the switch once.
          return { paused: seen ? killSwitch!.seen(seen) : await killSwitch!.state({ fresh: true }) };
        }
        // A conflict with another caller's transaction on the claim: neither may have won.
        throw new ContentionError(`decision claim ${claim.key}: ${codes.join(', ') || 'cancelled'}; retry`, error);
      }
      // The commit may have landed with only its answer lost: give back whatever this owner holds,
      // or the retried delivery would find the claim taken until it expires.
      await this.transact(giveBack(error)).catch(() => undefined);
      throw error;
    }
    return {
      done: async () => {
        if (claim.keepSeconds === undefined) return;
        const until = Math.floor(this.clock.now().getTime() / 1000) + claim.keepSeconds;
        // Only while the claim is still ours: one that ran out and was taken is the new owner's.
        await conditionally(
          'UpdateItem',
          () =>
            this.client.send(
              new UpdateItemCommand({
                TableName: this.table,
                Key: { pk: claimed.Item.pk!, sk: claimed.Item.sk! },
                UpdateExpression: 'SET #ttl = :until',
                ConditionExpression: '#owner = :owner',
                ExpressionAttributeNames: { '#ttl': 'ttl', '#owner': 'owner' },
                ExpressionAttributeValues: { ':until': N(until), ':owner': S(owner) },
              }),
            ),
          this.clock,
        );
      },
      fail: async (error) => {
        try {
          await this.transact(giveBack(error));
        } catch (cancelled) {
          if (!isTransactionCancelled(cancelled)) throw cancelled;
          // The claim ran out and another delivery took it: the record still tells what happened here.
          const item = failedRecord(error);
          await call('PutItem', () => this.client.send(new PutItemCommand({ TableName: this.table, Item: item })), {
            clock: this.clock,
          });
        }
      },
    };
  }

  private async transact(items: TransactWriteItem[]): Promise<void> {
    await call('TransactWriteItems', () => this.client.send(new TransactWriteItemsCommand({ TransactItems: items })), {
      clock: this.clock,
      expected: isTransactionCancelled,
    });
  }

  /** The record's item; `same`, when given, is the item it replaces (its key is kept). */
  private item(decision: Decision, suffix: string, same?: Item): Item {
    const at = new Date(decision.at);
    const atIso = Number.isNaN(at.getTime()) ? this.clock.now().toISOString() : at.toISOString();
    const item: Item = {
      pk: same?.pk ?? S(dayKey(atIso)),
      sk: same?.sk ?? S(`${atIso}#${decision.kind}#${suffix}`),
      at: S(decision.at),
      kind: S(decision.kind),
      subject: S(decision.subject),
      outcome: S(decision.outcome),
      reasons: { L: fitReasons(decision.reasons).map(S) },
      ttl: N(Math.floor(new Date(atIso).getTime() / 1000) + this.ttlDays * 86_400),
      ...(decision.id ? { id: S(decision.id) } : {}),
      ...(decision.policyVersion ? { policyVersion: S(decision.policyVersion) } : {}),
      ...(decision.recordedAt ? { recordedAt: S(decision.recordedAt) } : {}),
      ...(decision.actions?.length ? { actions: S(fitActions(decision.actions)) } : {}),
    };
    // From the whole decision, before its inputs are cut to fit: the index must not lose an ARN
    // that only the truncated part named.
    const packages = fitPackages(packagesTouched(decision));
    if (packages.length > 0) item.packages = { SS: packages };
    const json = JSON.stringify(decision.inputs ?? {});
    // "inputs" + its value, plus the optional marker attribute, must fit what is left.
    const budget = MAX_ITEM_BYTES - itemBytes(item) - 'inputs'.length - 'inputsTruncated'.length - 1;
    if (utf8(json) <= budget) item.inputs = S(json);
    else {
      item.inputs = S(truncateUtf8(json, Math.max(0, budget)));
      item.inputsTruncated = { BOOL: true };
    }
    return item;
  }

  /**
   * Decisions in the window, oldest first: one Query per UTC day partition (page after page), the
   * window's ends as sort-key bounds, kind, outcomes and subject as a filter (so only matching
   * records come back; the read is billed for the day's records all the same).
   */
  async list(query: DecisionQuery = {}): Promise<Decision[]> {
    const { since, until } = decisionWindow(query, this.clock.now());
    const limit = query.limit ?? Number.POSITIVE_INFINITY;
    const decisions: Decision[] = [];
    const firstDay = dayKey(since.toISOString());
    const lastDay = dayKey(until.toISOString());
    const filter = filterOf(query);
    for (let day = new Date(since); decisions.length < limit; day = new Date(day.getTime() + DAY_MS)) {
      const pk = dayKey(day.toISOString());
      if (pk > lastDay) break;
      const first = pk === firstDay;
      const last = pk === lastDay;
      // Sort keys are `<at>#<kind>#<suffix>`: every key at `until` sorts below `<until>$` ('#' < '$').
      const range =
        first && last
          ? ' AND sk BETWEEN :since AND :until'
          : first
            ? ' AND sk >= :since'
            : last
              ? ' AND sk < :until'
              : '';
      let startKey: Item | undefined;
      do {
        const page = await call(
          'Query',
          () =>
            this.client.send(
              new QueryCommand({
                TableName: this.table,
                KeyConditionExpression: `pk = :pk${range}`,
                ...(filter.expression
                  ? { FilterExpression: filter.expression, ExpressionAttributeNames: filter.names }
                  : {}),
                ExpressionAttributeValues: {
                  ':pk': S(pk),
                  ...(first ? { ':since': S(since.toISOString()) } : {}),
                  ...(last ? { ':until': S(`${until.toISOString()}$`) } : {}),
                  ...filter.values,
                },
                ExclusiveStartKey: startKey,
              }),
            ),
          { clock: this.clock },
        );
        for (const item of page.Items ?? []) if (decisions.length < limit) decisions.push(toDecision(item));
        startKey = decisions.length < limit ? page.LastEvaluatedKey : undefined;
      } while (startKey);
    }
    return decisions;
  }
}

/** The query's kind, outcome and subject filters as a FilterExpression: decisionMatches, on the table's side. */
function filterOf(query: DecisionQuery): { expression?: string; names: Record<string, string>; values: Item } {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Item = {};
  if (query.kind !== undefined) {
    names['#kind'] = 'kind';
    values[':kind'] = S(query.kind);
    values[':kindFamily'] = S(`${query.kind}.`);
    parts.push('(#kind = :kind OR begins_with(#kind, :kindFamily))');
  }
  if (query.outcomes !== undefined && query.outcomes.length > 0) {
    names['#outcome'] = 'outcome';
    query.outcomes.forEach((o, i) => (values[`:outcome${i}`] = S(o)));
    parts.push(`#outcome IN (${query.outcomes.map((_, i) => `:outcome${i}`).join(', ')})`);
  }
  if (query.subject !== undefined) {
    names['#subject'] = 'subject';
    if (isModelPackageArn(query.subject)) names['#packages'] = 'packages';
    values[':subject'] = S(query.subject);
    parts.push(
      isModelPackageArn(query.subject)
        ? '(#subject = :subject OR contains(#packages, :subject))'
        : 'begins_with(#subject, :subject)',
    );
  }
  return parts.length > 0 ? { expression: parts.join(' AND '), names, values } : { names, values };
}

const dayKey = (iso: string): string => `DECISIONS#${iso.slice(0, 10)}`;

/** Per transaction item, why DynamoDB cancelled it (`ConditionalCheckFailed`, `TransactionConflict`, `None`). */
const cancellationCodes = (error: unknown): string[] =>
  ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((r) => r.Code ?? 'None');
const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Size per DynamoDB's rules for the flat S/N/BOOL/L-of-S items written here. */
function itemBytes(item: Item): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) {
    total += utf8(name);
    if ('S' in value && value.S !== undefined) total += utf8(value.S);
    else if ('N' in value && value.N !== undefined)
      total += Math.ceil(value.N.replace(/^-|\.|^0+/g, '').length / 2) + 1;
    else if ('BOOL' in value) total += 1;
    else if ('SS' in value && value.SS) total += 3 + value.SS.reduce((sum, v) => sum + utf8(v), 0);
    else if ('L' in value && value.L)
      total += 3 + value.L.reduce((sum, v) => sum + 1 + ('S' in v && v.S ? utf8(v.S) : 0), 0);
  }
  return total;
}

function truncateUtf8(s: string, maxBytes: number): string {
  if (utf8(s) <= maxBytes) return s;
  let out = Buffer.from(s, 'utf8').subarray(0, maxBytes).toString('utf8');
  // A cut inside a multi-byte character decodes to U+FFFD (3 bytes): trim until it fits.
  while (utf8(out) > maxBytes) out = out.slice(0, -1);
  return out;
}

/**
 * The actions as JSON within MAX_ACTIONS_BYTES, always valid: long targets and reasons are
 * shortened, and entries that do not fit are replaced by one last entry counting them.
 */
export function fitActions(actions: readonly ActionRecord[]): string {
  const short = (s: string) => (s.length > MAX_ACTION_FIELD ? `${s.slice(0, MAX_ACTION_FIELD - 1)}…` : s);
  const entries = actions.map((a) => ({ ...a, target: short(a.target), ...(a.why ? { why: short(a.why) } : {}) }));
  for (let keep = entries.length; ; keep--) {
    const rest = entries.slice(keep);
    const withheld = rest.filter((a) => a.status === 'withheld').length;
    const list: ActionRecord[] =
      rest.length === 0
        ? entries
        : [
            ...entries.slice(0, keep),
            {
              service: 'controller',
              operation: 'More',
              target: `+${rest.length} more (${rest.length - withheld} taken, ${withheld} withheld)`,
              status: withheld === rest.length ? 'withheld' : 'taken',
            },
          ];
    const json = JSON.stringify(list);
    if (utf8(json) <= MAX_ACTIONS_BYTES || keep === 0) return json;
  }
}

/** As many whole ARNs as fit MAX_PACKAGES_BYTES, in order (a cut ARN would match nothing). */
function fitPackages(arns: readonly string[]): string[] {
  const kept: string[] = [];
  let used = 0;
  for (const arn of arns) {
    if (used + utf8(arn) > MAX_PACKAGES_BYTES) break;
    kept.push(arn);
    used += utf8(arn);
  }
  return kept;
}

function fitReasons(reasons: string[]): string[] {
  const fitted: string[] = [];
  let used = 0;
  for (const reason of reasons) {
    const room = MAX_REASONS_BYTES - used - 1;
    if (room <= 0) break;
    const r = truncateUtf8(reason, room);
    fitted.push(r);
    used += utf8(r) + 1;
  }
  return fitted;
}

function toDecision(item: Item): Decision {
  const raw = str(item, 'inputs') ?? '{}';
  let inputs: Record<string, unknown>;
  try {
    inputs = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    inputs = { truncated: raw };
  }
  const reasons = item.reasons && 'L' in item.reasons ? (item.reasons.L ?? []) : [];
  return {
    kind: str(item, 'kind') ?? '',
    subject: str(item, 'subject') ?? '',
    outcome: str(item, 'outcome') ?? '',
    reasons: reasons.map((r) => ('S' in r ? (r.S ?? '') : '')),
    inputs,
    at: str(item, 'at') ?? '',
    ...optional('id', str(item, 'id')),
    ...optional('policyVersion', str(item, 'policyVersion')),
    ...optional('recordedAt', str(item, 'recordedAt')),
    ...(str(item, 'actions') ? { actions: parseActions(str(item, 'actions') as string) } : {}),
  };
}

const optional = <K extends string>(key: K, value: string | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, string>>;

function parseActions(raw: string): ActionRecord[] {
  try {
    return JSON.parse(raw) as ActionRecord[];
  } catch {
    // Records written before fitActions were cut at 1,000 characters: keep what they said.
    return [{ service: '', operation: '', target: raw, status: 'taken', why: 'truncated' }];
  }
}
