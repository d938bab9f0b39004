/**
 * Batch lifecycle and per-rule guard on the state table (pk `RUNS#<rule>`):
 *   BATCH#<seq:10>  one closed batch and its status; every move is conditional on the status.
 *   GUARD           the start guard with a numeric `version`; every swap is conditional on it.
 * Both items stay far below 1 KB, so each write bills one write unit. A start is claimed by the
 * guard swap alone (see functions/ports/run-store.ts): one conditional PutItem, not a transaction
 * with the batch (which bills two units per item and cannot be cheaper than the swap it contains).
 */
import { GetItemCommand, PutItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { BatchQuery, BatchRecord, BatchStatus, GuardState, RunStore } from '../../../ports/run-store';
import { systemClock, type Clock } from '../../../ports/clock';
import {
  N,
  S,
  call,
  conditionalPut,
  conditionalUpdate,
  conditionally,
  num,
  pad,
  queryAll,
  str,
  type Item,
} from './items';

/** Attributes of a batch that a transition may set or remove (the key fields never change). */
const PATCHABLE = [
  'status',
  'objects',
  'bytes',
  'manifestUri',
  'executionId',
  'reason',
  'closedAt',
  'updatedAt',
] as const;

export class DynamoRunStore implements RunStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async putBatch(record: BatchRecord): Promise<boolean> {
    const result = await conditionalPut(
      this.client,
      {
        TableName: this.table,
        Item: { ...this.key(record.rule, batchKey(record.seq)), ...batchAttributes(record) },
        ConditionExpression: 'attribute_not_exists(sk)',
      },
      this.clock,
    );
    return result.written;
  }

  async getBatch(rule: string, seq: number): Promise<BatchRecord | undefined> {
    const item = await this.get(rule, batchKey(seq));
    return item && toBatch(item);
  }

  /**
   * One Query of the rule's partition from `fromSeq`'s key to the last possible batch key (the
   * GUARD item sorts after every BATCH# key, so the range leaves it out); statuses are a filter.
   */
  async batches(rule: string, query: BatchQuery = {}): Promise<BatchRecord[]> {
    const statuses = query.statuses;
    if (statuses?.length === 0) return [];
    const values: Item = {
      ':pk': S(runsKey(rule)),
      ':from': S(batchKey(Math.max(0, query.fromSeq ?? 0))),
      ':to': S(batchKey(MAX_SEQ)),
    };
    statuses?.forEach((status, i) => (values[`:s${i}`] = S(status)));
    const items = await queryAll(
      this.client,
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ...(statuses
          ? {
              FilterExpression: `#status IN (${statuses.map((_, i) => `:s${i}`).join(', ')})`,
              ExpressionAttributeNames: { '#status': 'status' },
            }
          : {}),
        ExpressionAttributeValues: values,
        ConsistentRead: true,
      },
      this.clock,
    );
    return items.map(toBatch);
  }

  async transition(
    rule: string,
    seq: number,
    from: readonly BatchStatus[],
    patch: Partial<BatchRecord> & { status: BatchStatus },
  ): Promise<boolean> {
    if (from.length === 0) return false;
    const names: Record<string, string> = { '#status': 'status' };
    const values: Item = {};
    const set: string[] = [];
    const remove: string[] = [];
    for (const field of PATCHABLE) {
      if (!(field in patch)) continue;
      names[`#${field}`] = field;
      const value = patch[field];
      if (value === undefined) remove.push(`#${field}`);
      else {
        values[`:${field}`] = typeof value === 'number' ? N(value) : S(value);
        set.push(`#${field} = :${field}`);
      }
    }
    const fromValues = from.map((s, i) => {
      values[`:from${i}`] = S(s);
      return `:from${i}`;
    });
    const result = await conditionalUpdate(
      this.client,
      {
        TableName: this.table,
        Key: this.key(rule, batchKey(seq)),
        UpdateExpression: [
          set.length ? `SET ${set.join(', ')}` : '',
          remove.length ? `REMOVE ${remove.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join(' '),
        ConditionExpression: `attribute_exists(sk) AND #status IN (${fromValues.join(', ')})`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
      this.clock,
    );
    return result.applied;
  }

  async getGuard(rule: string): Promise<GuardState> {
    const item = await this.get(rule, 'GUARD');
    return item ? toGuard(item) : { version: 0, startsToday: 0, nextSeq: 0 };
  }

  async swapGuard(rule: string, expected: GuardState, next: Omit<GuardState, 'version'>): Promise<boolean> {
    const first = expected.version === 0;
    return conditionally(
      'PutItem',
      () =>
        this.client.send(
          new PutItemCommand({
            TableName: this.table,
            Item: { ...this.key(rule, 'GUARD'), ...guardAttributes({ ...next, version: expected.version + 1 }) },
            // The guard item is only ever written with version ≥ 1, so "no item" is version 0.
            ConditionExpression: first ? 'attribute_not_exists(sk)' : '#version = :version',
            ...(first
              ? {}
              : {
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':version': N(expected.version) },
                }),
          }),
        ),
      this.clock,
    );
  }

  private key(rule: string, sk: string): Item {
    return { pk: S(runsKey(rule)), sk: S(sk) };
  }

  private async get(rule: string, sk: string): Promise<Item | undefined> {
    const result = await call(
      'GetItem',
      () =>
        this.client.send(new GetItemCommand({ TableName: this.table, Key: this.key(rule, sk), ConsistentRead: true })),
      { clock: this.clock },
    );
    return result.Item;
  }
}

const runsKey = (rule: string): string => `RUNS#${rule}`;
/** The largest seq a 10-digit batch key holds. */
const MAX_SEQ = 9_999_999_999;
const batchKey = (seq: number): string => `BATCH#${pad(seq, 10)}`;

function batchAttributes(record: BatchRecord): Item {
  const item: Item = {
    rule: S(record.rule),
    seq: N(record.seq),
    status: S(record.status),
    objects: N(record.objects),
    bytes: N(record.bytes),
    closedAt: S(record.closedAt),
    updatedAt: S(record.updatedAt),
  };
  if (record.manifestUri !== undefined) item.manifestUri = S(record.manifestUri);
  if (record.executionId !== undefined) item.executionId = S(record.executionId);
  if (record.reason !== undefined) item.reason = S(record.reason);
  return item;
}

function toBatch(item: Item): BatchRecord {
  const record: BatchRecord = {
    rule: str(item, 'rule')!,
    seq: num(item, 'seq')!,
    status: str(item, 'status') as BatchStatus,
    objects: num(item, 'objects') ?? 0,
    bytes: num(item, 'bytes') ?? 0,
    closedAt: str(item, 'closedAt')!,
    updatedAt: str(item, 'updatedAt')!,
  };
  for (const field of ['manifestUri', 'executionId', 'reason'] as const) {
    const value = str(item, field);
    if (value !== undefined) record[field] = value;
  }
  return record;
}

function guardAttributes(guard: GuardState): Item {
  const item: Item = { version: N(guard.version), startsToday: N(guard.startsToday), nextSeq: N(guard.nextSeq) };
  if (guard.lastStartAt !== undefined) item.lastStartAt = S(guard.lastStartAt);
  if (guard.day !== undefined) item.day = S(guard.day);
  if (guard.running) {
    const running: Record<string, AttributeValue> = { seq: N(guard.running.seq), since: S(guard.running.since) };
    if (guard.running.executionId !== undefined) running.executionId = S(guard.running.executionId);
    if (guard.running.token !== undefined) running.token = S(guard.running.token);
    item.running = { M: running };
  }
  if (guard.starting) item.starting = { M: { seq: N(guard.starting.seq), since: S(guard.starting.since) } };
  return item;
}

function toGuard(item: Item): GuardState {
  const guard: GuardState = {
    version: num(item, 'version') ?? 0,
    startsToday: num(item, 'startsToday') ?? 0,
    nextSeq: num(item, 'nextSeq') ?? 0,
  };
  const lastStartAt = str(item, 'lastStartAt');
  const day = str(item, 'day');
  if (lastStartAt !== undefined) guard.lastStartAt = lastStartAt;
  if (day !== undefined) guard.day = day;
  const running = item.running && 'M' in item.running ? item.running.M : undefined;
  if (running) {
    guard.running = { seq: num(running, 'seq') ?? 0, since: str(running, 'since') ?? '' };
    const executionId = str(running, 'executionId');
    if (executionId !== undefined) guard.running.executionId = executionId;
    const token = str(running, 'token');
    if (token !== undefined) guard.running.token = token;
  }
  const starting = item.starting && 'M' in item.starting ? item.starting.M : undefined;
  if (starting) guard.starting = { seq: num(starting, 'seq') ?? 0, since: str(starting, 'since') ?? '' };
  return guard;
}
