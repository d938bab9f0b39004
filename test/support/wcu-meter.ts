/**
 * Counts DynamoDB calls per operation and the write units DynamoDB would bill for them, from the
 * requests and responses a client sees (moto reports no reliable consumed capacity to check
 * against). Attach it to a client before use:
 *
 *   const meter = attachMeter(client);  ...;  meter.writeUnits / meter.calls.PutItem
 *
 * Billing rules applied (DynamoDB developer guide, "read and write operations", "item sizes"):
 * - PutItem / UpdateItem / DeleteItem: ceil(item size / 1 KB), at least 1, where the size is the
 *   larger of the item before and after the write. A failed conditional write bills the same.
 * - BatchWriteItem: the sum over its put/delete requests (minus UnprocessedItems).
 * - TransactWriteItems: 2× per action (prepare + commit), ConditionCheck included. A cancelled
 *   transaction is billed like an applied one (an upper bound: AWS does not document it exactly).
 * - Item size: Σ attribute name bytes + value sizes; S = UTF-8 bytes, N ≈ 1 byte per 2 significant
 *   digits + 1, B = raw bytes, BOOL/NULL = 1, L/M = 3 + Σ(1 + element), sets = Σ elements.
 *
 * The "before" size is known exactly when the meter has seen the item: it keeps a shadow of item
 * sizes from every item it sees (written puts, GetItem/BatchGetItem/Query/Scan results, ALL_NEW /
 * ALL_OLD return values, the item on a ConditionalCheckFailedException). Approximation: for an
 * UpdateItem whose result it cannot see (no ReturnValues, or inside a transaction), the "after"
 * size is estimated as max(before, key + Σ ExpressionAttributeValues + the names they are set to),
 * i.e. an update is assumed to replace values of similar size, not to grow the item by more than
 * the values it writes. An unseen item counts as 0 bytes before.
 */
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';

type Item = Record<string, AttributeValue>;

export interface WcuMeter {
  /** Calls per operation name (PutItem, UpdateItem, ...), counted per attempt. */
  calls: Record<string, number>;
  /** Billed write units per the rules above. */
  writeUnits: number;
  /** Write units per operation name. */
  writeUnitsByOperation: Record<string, number>;
  /** Write units per kind of item written (`kindOf` its key), to see where they go. */
  writeUnitsByKind: Record<string, number>;
  /** Sum of `ConsumedCapacity.CapacityUnits` the server reported (only if the caller asked for it). */
  reportedCapacity: number;
  reset(): void;
}

export interface MeterOptions {
  /** Key attribute names of the tables metered (default the state table's pk/sk). */
  keyAttributes?: string[];
  /** Names the kind of an item from its key (default: the state table's, see `stateTableKind`). */
  kindOf?: (key: Item) => string;
}

/**
 * The state table's item kinds: the first `#` segment of pk and of sk (`LEDGER:OBJ`, `RUNS:BATCH`),
 * the decision kind for decision records (`DECISIONS:retraining.start`).
 */
export function stateTableKind(key: Item): string {
  const pk = String(key.pk?.S ?? '').split('#')[0];
  const sk = String(key.sk?.S ?? '').split('#');
  return `${pk}:${pk === 'DECISIONS' ? sk[1] : sk[0]}`;
}

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

function numberSize(n: string): number {
  const digits = n.replace(/^[-+]/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

function valueSize(v: AttributeValue): number {
  if (v.S !== undefined) return utf8(v.S);
  if (v.N !== undefined) return numberSize(v.N);
  if (v.B !== undefined) return v.B.length;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS !== undefined) return v.SS.reduce((sum, s) => sum + utf8(s), 0);
  if (v.NS !== undefined) return v.NS.reduce((sum, s) => sum + numberSize(s), 0);
  if (v.BS !== undefined) return v.BS.reduce((sum, b) => sum + b.length, 0);
  if (v.L !== undefined) return 3 + v.L.reduce((sum, e) => sum + 1 + valueSize(e), 0);
  if (v.M !== undefined) return 3 + Object.entries(v.M).reduce((sum, [k, e]) => sum + 1 + utf8(k) + valueSize(e), 0);
  return 0;
}

/** Item size in bytes per DynamoDB's rules. */
export function itemSize(item: Item): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0);
}

/** Write units for an item of `bytes` (1 KB units, at least 1). */
export const writeUnitsFor = (bytes: number): number => Math.max(1, Math.ceil(bytes / 1024));

interface UpdateLike {
  TableName?: string;
  Key?: Item;
  UpdateExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
}

export function attachMeter(client: DynamoDBClient, options: MeterOptions = {}): WcuMeter {
  const keyNames = options.keyAttributes ?? ['pk', 'sk'];
  const kindOf = options.kindOf ?? stateTableKind;
  const shadow = new Map<string, number>();
  const meter: WcuMeter = {
    calls: {},
    writeUnits: 0,
    writeUnitsByOperation: {},
    writeUnitsByKind: {},
    reportedCapacity: 0,
    reset() {
      meter.calls = {};
      meter.writeUnits = 0;
      meter.writeUnitsByOperation = {};
      meter.writeUnitsByKind = {};
      meter.reportedCapacity = 0;
    },
  };

  const keyOf = (table: string | undefined, item: Item): string =>
    `${table ?? ''}\u0000${keyNames.map((k) => JSON.stringify(item[k] ?? null)).join('\u0000')}`;
  const keyPart = (item: Item): Item => Object.fromEntries(keyNames.filter((k) => k in item).map((k) => [k, item[k]!]));
  const remember = (table: string | undefined, item: Item | undefined): void => {
    if (item && keyNames.every((k) => k in item)) shadow.set(keyOf(table, item), itemSize(item));
  };
  const before = (table: string | undefined, key: Item): number => shadow.get(keyOf(table, key)) ?? 0;
  let failed = false;
  const bill = (operation: string, units: number, key: Item): void => {
    meter.writeUnits += units;
    meter.writeUnitsByOperation[operation] = (meter.writeUnitsByOperation[operation] ?? 0) + units;
    // Failed conditional writes bill too: listed apart, they show what races and duplicates cost.
    const kind = failed ? `${kindOf(key)} (failed)` : kindOf(key);
    meter.writeUnitsByKind[kind] = (meter.writeUnitsByKind[kind] ?? 0) + units;
  };
  const estimateAfter = (u: UpdateLike): number => {
    const written = Object.values(u.ExpressionAttributeValues ?? {}).reduce((sum, v) => sum + valueSize(v), 0);
    const names = Object.values(u.ExpressionAttributeNames ?? {}).reduce((sum, n) => sum + utf8(n), 0);
    return Math.max(before(u.TableName, u.Key ?? {}), itemSize(keyPart(u.Key ?? {})) + written + names);
  };

  const observe = (operation: string, input: any, output: any, error: any): void => {
    meter.calls[operation] = (meter.calls[operation] ?? 0) + 1;
    const consumed = output?.ConsumedCapacity;
    for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : [])
      meter.reportedCapacity += c.CapacityUnits ?? 0;
    const conditionalFailure = error?.name === 'ConditionalCheckFailedException';
    if (error && !conditionalFailure && error.name !== 'TransactionCanceledException') return; // not executed
    failed = Boolean(error);
    if (conditionalFailure && error.Item)
      remember(input.TableName, { ...error.Item, ...keyPart(input.Key ?? input.Item ?? {}) });

    switch (operation) {
      case 'GetItem':
        if (!input.ProjectionExpression) remember(input.TableName, output?.Item);
        break;
      case 'BatchGetItem':
        for (const [table, items] of Object.entries(output?.Responses ?? {}))
          if (!input.RequestItems?.[table]?.ProjectionExpression)
            for (const item of items as Item[]) remember(table, item);
        break;
      case 'Query':
      case 'Scan':
        if (!input.ProjectionExpression && (input.Select ?? 'ALL_ATTRIBUTES') === 'ALL_ATTRIBUTES')
          for (const item of output?.Items ?? []) remember(input.TableName, item);
        break;
      case 'PutItem': {
        const size = itemSize(input.Item ?? {});
        bill(operation, writeUnitsFor(Math.max(size, before(input.TableName, input.Item ?? {}))), input.Item ?? {});
        if (!error) remember(input.TableName, input.Item);
        break;
      }
      case 'UpdateItem': {
        const old =
          output?.Attributes && /OLD/.test(input.ReturnValues ?? '')
            ? itemSize(output.Attributes)
            : before(input.TableName, input.Key);
        const after =
          output?.Attributes && input.ReturnValues === 'ALL_NEW'
            ? itemSize(output.Attributes)
            : error
              ? 0
              : estimateAfter(input);
        bill(operation, writeUnitsFor(Math.max(old, after)), input.Key ?? {});
        if (!error) {
          if (input.ReturnValues === 'ALL_NEW' && output?.Attributes) remember(input.TableName, output.Attributes);
          else shadow.set(keyOf(input.TableName, input.Key), after);
        }
        break;
      }
      case 'DeleteItem':
        bill(operation, writeUnitsFor(before(input.TableName, input.Key)), input.Key ?? {});
        if (!error) shadow.delete(keyOf(input.TableName, input.Key));
        break;
      case 'BatchWriteItem': {
        const unprocessed = new Set<string>();
        for (const [table, requests] of Object.entries(output?.UnprocessedItems ?? {}))
          for (const r of requests as any[])
            unprocessed.add(keyOf(table, r.PutRequest?.Item ?? r.DeleteRequest?.Key ?? {}));
        for (const [table, requests] of Object.entries(input.RequestItems ?? {})) {
          for (const r of requests as any[]) {
            const key = r.PutRequest?.Item ?? r.DeleteRequest?.Key ?? {};
            if (unprocessed.has(keyOf(table, key))) continue;
            if (r.PutRequest) {
              bill(operation, writeUnitsFor(Math.max(itemSize(r.PutRequest.Item), before(table, key))), key);
              remember(table, r.PutRequest.Item);
            } else {
              bill(operation, writeUnitsFor(before(table, key)), key);
              shadow.delete(keyOf(table, key));
            }
          }
        }
        break;
      }
      case 'TransactWriteItems':
        for (const action of input.TransactItems ?? []) {
          if (action.Put) {
            bill(
              operation,
              2 * writeUnitsFor(Math.max(itemSize(action.Put.Item), before(action.Put.TableName, action.Put.Item))),
              action.Put.Item,
            );
            if (!error) remember(action.Put.TableName, action.Put.Item);
          } else if (action.Update) {
            const after = estimateAfter(action.Update);
            bill(
              operation,
              2 * writeUnitsFor(Math.max(before(action.Update.TableName, action.Update.Key), after)),
              action.Update.Key,
            );
            if (!error) shadow.set(keyOf(action.Update.TableName, action.Update.Key), after);
          } else if (action.Delete) {
            bill(operation, 2 * writeUnitsFor(before(action.Delete.TableName, action.Delete.Key)), action.Delete.Key);
            if (!error) shadow.delete(keyOf(action.Delete.TableName, action.Delete.Key));
          } else if (action.ConditionCheck) {
            bill(
              operation,
              2 * writeUnitsFor(before(action.ConditionCheck.TableName, action.ConditionCheck.Key)),
              action.ConditionCheck.Key,
            );
          }
        }
        break;
      default:
        break;
    }
  };

  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      try {
        const result = await next(args);
        observe(operation, args.input, result.output, undefined);
        return result;
      } catch (error) {
        observe(operation, args.input, undefined, error);
        throw error;
      }
    },
    // After the retry middleware (finalizeRequest, priority high): one observation per attempt,
    // with the deserialized output or the modeled error.
    { step: 'finalizeRequest', priority: 'low', name: 'wcuMeter' },
  );
  return meter;
}
