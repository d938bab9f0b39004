/**
 * The kill switch: one state-table item (pk `CONTROL`, sk `KILL_SWITCH`). Read through a short
 * per-container cache (30 s by default) so a pause reaches every warm function within that time
 * without a GetItem on every write call; a committed decision checks it inside its own
 * transaction instead (notPausedCheck), so a pause applies to the next one at once.
 */
import { GetItemCommand, PutItemCommand, type ConditionCheck, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { systemClock, type Clock } from '../../../ports/clock';
import type { KillSwitch, KillSwitchState } from '../../../ports/kill-switch';
import { BOOL, S, call, str, type Item } from './items';

const KEY: Item = { pk: S('CONTROL'), sk: S('KILL_SWITCH') };

export class DynamoKillSwitch implements KillSwitch {
  private cached: { state: KillSwitchState; until: number } | undefined;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly options: { cacheSeconds?: number; clock?: Clock } = {},
  ) {}

  private get clock(): Clock {
    return this.options.clock ?? systemClock;
  }

  async state(options: { fresh?: boolean } = {}): Promise<KillSwitchState> {
    const now = this.clock.now().getTime();
    if (!options.fresh && this.cached && now < this.cached.until) return this.cached.state;
    const response = await call(
      'GetItem',
      () => this.client.send(new GetItemCommand({ TableName: this.table, Key: KEY, ConsistentRead: true })),
      { clock: this.clock },
    );
    return this.seen(response.Item);
  }

  /**
   * The transaction item that holds a transaction to "not paused" (DynamoDecisionLog's commit),
   * when the transaction writes this switch's table; undefined otherwise.
   */
  notPausedCheck(table: string): ConditionCheck | undefined {
    if (table !== this.table) return undefined;
    return {
      TableName: this.table,
      Key: KEY,
      ConditionExpression: 'attribute_not_exists(paused) OR paused = :no',
      ExpressionAttributeValues: { ':no': BOOL(false) },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    };
  }

  /** The switch item as read, or as a cancelled transaction's check returned it: cached as a fresh read. */
  seen(item: Item | undefined): KillSwitchState {
    const state: KillSwitchState = {
      paused: item?.paused !== undefined && 'BOOL' in item.paused && item.paused.BOOL === true,
      ...optional('by', str(item, 'by')),
      ...optional('reason', str(item, 'reason')),
      ...optional('at', str(item, 'at')),
    };
    this.cached = { state, until: this.clock.now().getTime() + (this.options.cacheSeconds ?? 30) * 1000 };
    return state;
  }

  async set(state: KillSwitchState): Promise<void> {
    const item: Item = {
      ...KEY,
      paused: BOOL(state.paused),
      at: S(state.at ?? this.clock.now().toISOString()),
      ...(state.by ? { by: S(state.by) } : {}),
      ...(state.reason ? { reason: S(state.reason) } : {}),
    };
    await call('PutItem', () => this.client.send(new PutItemCommand({ TableName: this.table, Item: item })), {
      clock: this.clock,
    });
    this.cached = undefined;
  }
}

const optional = <K extends string>(key: K, value: string | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, string>>;
