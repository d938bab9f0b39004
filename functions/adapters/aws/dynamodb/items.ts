/**
 * Small shared pieces of the DynamoDB adapters: hand-written attribute values (no util-dynamodb
 * dependency for a handful of flat items), error recognition by name, and the one place that turns
 * an unexpected SDK failure into an `AwsCallError`.
 */
import {
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type PutItemCommandInput,
  type QueryCommandInput,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { AwsCallError } from '../../../domain/errors';
import type { Clock } from '../../../ports/clock';

export type Item = Record<string, AttributeValue>;

export const S = (value: string): AttributeValue => ({ S: value });
export const N = (value: number): AttributeValue => ({ N: String(value) });
export const BOOL = (value: boolean): AttributeValue => ({ BOOL: value });

export function str(item: Item | undefined, name: string): string | undefined {
  const v = item?.[name];
  return v && 'S' in v ? v.S : undefined;
}

export function num(item: Item | undefined, name: string): number | undefined {
  const v = item?.[name];
  return v && 'N' in v && v.N !== undefined ? Number(v.N) : undefined;
}

/** Zero-padded decimal so that string order of sort keys is numeric order. */
export const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** The SDK's modeled errors carry their shape name in `name`: match on it, not on classes. */
export function errorNamed(error: unknown, ...names: string[]): boolean {
  return error instanceof Error && names.includes(error.name);
}

export const isConditionalFailure = (error: unknown): boolean => errorNamed(error, 'ConditionalCheckFailedException');
export const isTransactionCancelled = (error: unknown): boolean => errorNamed(error, 'TransactionCanceledException');

/**
 * Runs one DynamoDB call. A single-item write that meets an item inside another caller's transaction
 * fails with TransactionConflictException, which the SDK does not retry: it was not applied, so a
 * short bounded retry here is safe even for non-idempotent updates (ADD). `expected(error)` marks
 * the errors the caller handles itself (conditional failures); anything else becomes AwsCallError.
 */
export async function call<T>(
  operation: string,
  send: () => Promise<T>,
  options: { clock?: Clock; expected?: (error: unknown) => boolean } = {},
): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await send();
    } catch (error) {
      if (options.expected?.(error)) throw error;
      if (errorNamed(error, 'TransactionConflictException') && attempt < 6 && options.clock) {
        await options.clock.sleep(20 * 2 ** attempt + Math.floor(Math.random() * 20));
        continue;
      }
      throw new AwsCallError('dynamodb', operation, error);
    }
  }
}

/** Every item a Query matches, page after page (one `call` per page). */
export async function queryAll(
  client: DynamoDBClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
  clock?: Clock,
): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await call('Query', () => client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey })), {
      clock,
    });
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Runs one conditional write: true when it was applied, false when its condition failed. */
export async function conditionally(operation: string, send: () => Promise<unknown>, clock?: Clock): Promise<boolean> {
  try {
    await call(operation, send, { clock, expected: isConditionalFailure });
    return true;
  } catch (error) {
    if (isConditionalFailure(error)) return false;
    throw error;
  }
}

/**
 * A conditional PutItem whose failed condition is an answer, not an error: `written: false` with
 * the item that is there (when DynamoDB returned it).
 */
export async function conditionalPut(
  client: DynamoDBClient,
  input: PutItemCommandInput & { ConditionExpression: string },
  clock?: Clock,
): Promise<{ written: true } | { written: false; existing?: Item }> {
  try {
    await call('PutItem', () => client.send(new PutItemCommand(input)), { clock, expected: isConditionalFailure });
    return { written: true };
  } catch (error) {
    if (!isConditionalFailure(error)) throw error;
    const existing = (error as { Item?: Item }).Item;
    return existing ? { written: false, existing } : { written: false };
  }
}

/**
 * A conditional UpdateItem whose failed condition is an answer, not an error: `applied: false`.
 * When applied, `attributes` are what its `ReturnValues` asked for.
 */
export async function conditionalUpdate(
  client: DynamoDBClient,
  input: UpdateItemCommandInput & { ConditionExpression: string },
  clock?: Clock,
): Promise<{ applied: true; attributes?: Item } | { applied: false }> {
  try {
    const result = await call('UpdateItem', () => client.send(new UpdateItemCommand(input)), {
      clock,
      expected: isConditionalFailure,
    });
    return result.Attributes ? { applied: true, attributes: result.Attributes } : { applied: true };
  } catch (error) {
    if (!isConditionalFailure(error)) throw error;
    return { applied: false };
  }
}
