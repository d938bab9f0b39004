/**
 * The batching ledger on the state table. Exact under duplicate delivery and concurrency, and
 * cheap: with objects arriving 10 per call an append bills ≈1.3 write units per object (one small
 * identity item each, plus one counter update and one chunk item per call) and a close bills ≈5.
 *
 * Items of rule r, all under pk `LEDGER#r`:
 *   OPEN             pos (positions handed out), count, bytes, firstAt, lastAt, nextSeq,
 *                    closedThrough (last position in a closed batch); lease {id, until} and
 *                    leaseCutoff while a closer works (a sibling: one update cannot SET a map and
 *                    a path inside it).
 *   OBJ#<sha256>     identity of one upload: {p} = the position whose chunk owns it; TTL 35 days,
 *                    longer than SQS retention plus a DLQ redrive.
 *   POS#<p:12>       one append's chunk: {b, objs: [{k,s,e?,v?,q?,t?}], n, bytes}, or {void: true}
 *                    when a closer gave up waiting for a slow writer.
 *   SEQ#<seq:10>     a closed batch: the position range {from, to}, count, bytes, closedAt.
 *
 * An entry at position p is a member of whichever closed range holds p iff identity.p == p. The
 * identity item is written once (attribute_not_exists) and never changes, so exactly one entry of
 * each object counts, whatever the interleaving; closedThrough only advances under a lease inside
 * a transaction, so every position lands in exactly one batch.
 */
import {
  BatchGetItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type DynamoDBClient,
  type KeysAndAttributes,
} from '@aws-sdk/client-dynamodb';
import { createHash, randomUUID } from 'node:crypto';
import { ContentionError } from '../../../domain/errors';
import { objectIdentity, type ObjectRef } from '../../../domain/objects';
import type { AppendResult, BatchLedger, ClosedBatch, OpenBatch } from '../../../ports/batch-ledger';
import { systemClock, type Clock } from '../../../ports/clock';
import { N, S, call, isConditionalFailure, isTransactionCancelled, num, pad, str, type Item } from './items';

const DAY_SECONDS = 86_400;

export interface DynamoBatchLedgerOptions {
  /** How long a closer owns the open batch (default 30 s). */
  leaseMs?: number;
  /** Identity items expire after this many days (default 35: > SQS retention + DLQ redrive). */
  identityTtlDays?: number;
  /** Times a closer re-reads a missing position before voiding it (default 3, 100–200 ms apart). */
  missingPolls?: number;
  /** Times an appender retries after its position was voided (default 5). */
  appendAttempts?: number;
}

interface Entry {
  ref: ObjectRef;
  hash: string;
}

interface Chunk {
  p: number;
  void: boolean;
  n: number;
  bytes: number;
  entries: Entry[];
}

/** Objects per chunk: their identities plus OPEN fill exactly one 100-key BatchGetItem. */
const MAX_CHUNK_OBJECTS = 99;
const BATCH_GET_KEYS = 100;

export const identityHash = (o: ObjectRef): string =>
  createHash('sha256').update(objectIdentity(o)).digest('base64url');

export class DynamoBatchLedger implements BatchLedger {
  private readonly leaseMs: number;
  private readonly identityTtlDays: number;
  private readonly missingPolls: number;
  private readonly appendAttempts: number;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly clock: Clock = systemClock,
    options: DynamoBatchLedgerOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 30_000;
    this.identityTtlDays = options.identityTtlDays ?? 35;
    this.missingPolls = options.missingPolls ?? 3;
    this.appendAttempts = options.appendAttempts ?? 5;
  }

  // ---------------------------------------------------------------- append

  async append(rule: string, objects: ObjectRef[], now: Date): Promise<AppendResult> {
    const duplicate = new Set<number>();
    const fresh: { index: number; entry: Entry }[] = [];
    const seen = new Set<string>();
    objects.forEach((ref, index) => {
      const hash = identityHash(ref);
      if (seen.has(hash)) duplicate.add(index);
      else {
        seen.add(hash);
        fresh.push({ index, entry: { ref, hash } });
      }
    });

    let open: OpenBatch | undefined;
    for (let start = 0; start < fresh.length; start += MAX_CHUNK_OBJECTS) {
      const slice = fresh.slice(start, start + MAX_CHUNK_OBJECTS);
      const result = await this.appendChunk(
        rule,
        slice.map((s) => s.entry),
        now,
      );
      result.duplicates.forEach((isDuplicate, i) => isDuplicate && duplicate.add(slice[i]!.index));
      open = result.open;
    }
    return {
      accepted: objects.filter((_, i) => !duplicate.has(i)),
      duplicates: objects.filter((_, i) => duplicate.has(i)),
      open: open ?? (await this.open(rule)),
    };
  }

  /** One append of ≤ 99 distinct objects: returns, per entry, whether it was a duplicate. */
  private async appendChunk(
    rule: string,
    entries: Entry[],
    now: Date,
  ): Promise<{ duplicates: boolean[]; open: OpenBatch }> {
    // (1) One consistent read of every identity and OPEN: known identities are duplicates.
    const found = await this.batchGet(rule, [...entries.map((e) => `OBJ#${e.hash}`), 'OPEN']);
    const duplicates = entries.map((e) => found.has(`OBJ#${e.hash}`));
    const fresh = entries.filter((_, i) => !duplicates[i]);
    if (fresh.length === 0) return { duplicates, open: toOpen(found.get('OPEN')) };

    const n = fresh.length;
    const bytes = fresh.reduce((sum, e) => sum + e.ref.size, 0);
    let position: { p: number; open: OpenBatch } | undefined;
    for (let attempt = 0; attempt < this.appendAttempts && !position; attempt += 1) {
      // (2) Take a position; the counters are hints the closer later corrects exactly.
      const taken = await this.takePosition(rule, n, bytes, now);
      // (3) Write the chunk, unless a closer voided the position while we were slow.
      if (await this.putChunk(rule, taken.p, fresh)) position = taken;
      else await this.adjustCounts(rule, -n, -bytes);
    }
    if (!position)
      throw new ContentionError(`ledger ${rule}: every position taken for this append was voided by a closer`);

    // (4) Claim each identity for this position. A loss means a concurrent delivery of the same
    // object won: it stays listed in our chunk, but the closer counts it at the winner's position.
    const { p } = position;
    const expires = Math.floor(now.getTime() / 1000) + this.identityTtlDays * DAY_SECONDS;
    const owners = await Promise.all(fresh.map((e) => this.claimIdentity(rule, e.hash, p, expires)));
    const lost = new Set(fresh.filter((_, i) => owners[i] !== p).map((e) => e.hash));
    return { duplicates: entries.map((e, i) => duplicates[i]! || lost.has(e.hash)), open: position.open };
  }

  private async takePosition(
    rule: string,
    n: number,
    bytes: number,
    now: Date,
  ): Promise<{ p: number; open: OpenBatch }> {
    const result = await call(
      'UpdateItem',
      () =>
        this.client.send(
          new UpdateItemCommand({
            TableName: this.table,
            Key: this.key(rule, 'OPEN'),
            UpdateExpression:
              'ADD #pos :one, #count :n, #bytes :b SET #lastAt = :now, #firstAt = if_not_exists(#firstAt, :now)',
            ExpressionAttributeNames: {
              '#pos': 'pos',
              '#count': 'count',
              '#bytes': 'bytes',
              '#lastAt': 'lastAt',
              '#firstAt': 'firstAt',
            },
            ExpressionAttributeValues: { ':one': N(1), ':n': N(n), ':b': N(bytes), ':now': S(now.toISOString()) },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      { clock: this.clock },
    );
    return { p: num(result.Attributes, 'pos') ?? 0, open: toOpen(result.Attributes) };
  }

  /** False when the position was voided by a closer; true when our chunk is there. */
  private async putChunk(rule: string, p: number, entries: Entry[]): Promise<boolean> {
    const bucket = entries[0]!.ref.bucket;
    try {
      await call(
        'PutItem',
        () =>
          this.client.send(
            new PutItemCommand({
              TableName: this.table,
              Item: {
                ...this.key(rule, positionKey(p)),
                b: S(bucket),
                objs: { L: entries.map((e) => ({ M: compact(e.ref, bucket) })) },
                n: N(entries.length),
                bytes: N(entries.reduce((sum, e) => sum + e.ref.size, 0)),
              },
              ConditionExpression: 'attribute_not_exists(sk)',
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }),
          ),
        { clock: this.clock, expected: isConditionalFailure },
      );
      return true;
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      // An SDK retry of our own successful put also lands here: the position is ours only if the
      // chunk there lists exactly our objects (a void, or anyone else's chunk, means we lost it).
      const existing = (error as { Item?: Item }).Item ?? (await this.get(rule, positionKey(p)));
      if (!existing || existing.void) return false;
      const theirs = toChunk(existing).entries.map((e) => e.hash);
      return theirs.length === entries.length && entries.every((e, i) => e.hash === theirs[i]);
    }
  }

  private async adjustCounts(rule: string, n: number, bytes: number): Promise<void> {
    await call(
      'UpdateItem',
      () =>
        this.client.send(
          new UpdateItemCommand({
            TableName: this.table,
            Key: this.key(rule, 'OPEN'),
            UpdateExpression: 'ADD #count :n, #bytes :b',
            ExpressionAttributeNames: { '#count': 'count', '#bytes': 'bytes' },
            ExpressionAttributeValues: { ':n': N(n), ':b': N(bytes) },
          }),
        ),
      { clock: this.clock },
    );
  }

  /** Writes identity → p if absent; returns the position that owns the identity afterwards. */
  private async claimIdentity(rule: string, hash: string, p: number, expires: number): Promise<number | undefined> {
    try {
      await call(
        'PutItem',
        () =>
          this.client.send(
            new PutItemCommand({
              TableName: this.table,
              Item: { ...this.key(rule, `OBJ#${hash}`), p: N(p), ttl: N(expires) },
              ConditionExpression: 'attribute_not_exists(sk)',
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }),
          ),
        { clock: this.clock, expected: isConditionalFailure },
      );
      return p;
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      const existing = (error as { Item?: Item }).Item ?? (await this.get(rule, `OBJ#${hash}`));
      return num(existing, 'p');
    }
  }

  // ---------------------------------------------------------------- close

  async close(
    rule: string,
    decide: (members: ObjectRef[], open: OpenBatch) => boolean,
    now: Date,
  ): Promise<ClosedBatch | null> {
    // (1) Anything to close, and nobody closing?
    const current = await this.get(rule, 'OPEN');
    const closedThrough = num(current, 'closedThrough') ?? 0;
    if (!current || (num(current, 'pos') ?? 0) <= closedThrough || leaseLive(current, now)) return null;

    // (2) Lease: the cutoff is whatever position was handed out last when we got it.
    const leaseId = randomUUID();
    const leased = await this.lease(rule, leaseId, closedThrough, now);
    if (!leased) return null;
    try {
      return await this.closeLeased(rule, leaseId, leased, closedThrough, decide, now);
    } catch (error) {
      // Whatever failed (even a commit whose outcome is unknown), do not keep others waiting for
      // the lease to expire: release it if it is still ours. An applied commit already removed it;
      // the batch it recorded is picked up by the sweeper's recovery.
      await this.release(rule, leaseId).catch(() => undefined);
      throw error;
    }
  }

  private async closeLeased(
    rule: string,
    leaseId: string,
    leased: Item,
    closedThrough: number,
    decide: (members: ObjectRef[], open: OpenBatch) => boolean,
    now: Date,
  ): Promise<ClosedBatch | null> {
    const cutoff = num(leased, 'pos') ?? 0;
    const seq = num(leased, 'nextSeq') ?? 0;
    const from = closedThrough + 1;

    // (3) Every position in range, waiting briefly for writers between their (2) and (3).
    const chunks = await this.settleRange(rule, from, cutoff);

    // (4) Members: entries whose identity points at their own position.
    const members = await this.verifiedMembers(rule, chunks, now);
    const writerCount = chunks.reduce((sum, c) => sum + c.n, 0);
    const writerBytes = chunks.reduce((sum, c) => sum + c.bytes, 0);

    // (5) Nothing real in range (all duplicates or voids): advance past it without a batch.
    if (members.length === 0) {
      await this.commit(rule, leaseId, { cutoff, writerCount, writerBytes });
      return null;
    }
    if (!decide(members, toOpen(leased))) {
      await this.release(rule, leaseId);
      return null;
    }

    // (6) Commit atomically: advance OPEN, record the batch.
    const closedAt = now.toISOString();
    const committed = await this.commit(rule, leaseId, {
      cutoff,
      writerCount,
      writerBytes,
      batch: {
        seq,
        item: {
          ...this.key(rule, seqKey(seq)),
          from: N(from),
          to: N(cutoff),
          count: N(members.length),
          bytes: N(members.reduce((sum, m) => sum + m.size, 0)),
          closedAt: S(closedAt),
        },
      },
    });
    return committed ? { rule, seq, members, closedAt } : null;
  }

  private async lease(rule: string, leaseId: string, closedThrough: number, now: Date): Promise<Item | undefined> {
    try {
      const result = await call(
        'UpdateItem',
        () =>
          this.client.send(
            new UpdateItemCommand({
              TableName: this.table,
              Key: this.key(rule, 'OPEN'),
              UpdateExpression: 'SET #lease = :lease, #leaseCutoff = #pos',
              ConditionExpression: `(attribute_not_exists(#lease) OR #lease.#until < :now) AND ${
                closedThrough === 0 ? 'attribute_not_exists(#ct)' : '#ct = :ct'
              }`,
              ExpressionAttributeNames: {
                '#lease': 'lease',
                '#leaseCutoff': 'leaseCutoff',
                '#pos': 'pos',
                '#until': 'until',
                '#ct': 'closedThrough',
              },
              ExpressionAttributeValues: {
                ':lease': { M: { id: S(leaseId), until: N(now.getTime() + this.leaseMs) } },
                ':now': N(now.getTime()),
                ...(closedThrough === 0 ? {} : { ':ct': N(closedThrough) }),
              },
              ReturnValues: 'ALL_NEW',
            }),
          ),
        { clock: this.clock, expected: isConditionalFailure },
      );
      return result.Attributes;
    } catch (error) {
      if (isConditionalFailure(error)) return undefined;
      throw error;
    }
  }

  private async settleRange(rule: string, from: number, to: number): Promise<Chunk[]> {
    const byPosition = new Map<number, Chunk>();
    const missing = (): number[] => {
      const gaps: number[] = [];
      for (let p = from; p <= to; p += 1) if (!byPosition.has(p)) gaps.push(p);
      return gaps;
    };
    for (const chunk of await this.queryPositions(rule, from, to)) byPosition.set(chunk.p, chunk);
    for (let poll = 0; poll < this.missingPolls && missing().length > 0; poll += 1) {
      await this.clock.sleep(100 + Math.floor(Math.random() * 100));
      const gaps = missing();
      for (const chunk of await this.queryPositions(rule, gaps[0]!, gaps[gaps.length - 1]!))
        byPosition.set(chunk.p, chunk);
    }
    // Still missing: the writer is slow or dead. Void the position; if the void loses, the chunk
    // arrived after all and we use it. A voided writer compensates its counts and re-appends.
    await Promise.all(
      missing().map(async (p) => {
        byPosition.set(p, await this.voidPosition(rule, p));
      }),
    );
    return [...byPosition.values()].sort((a, b) => a.p - b.p);
  }

  private async queryPositions(rule: string, from: number, to: number): Promise<Chunk[]> {
    const chunks: Chunk[] = [];
    let startKey: Item | undefined;
    do {
      const page = await call(
        'Query',
        () =>
          this.client.send(
            new QueryCommand({
              TableName: this.table,
              KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
              ExpressionAttributeValues: {
                ':pk': S(ledgerKey(rule)),
                ':from': S(positionKey(from)),
                ':to': S(positionKey(to)),
              },
              ConsistentRead: true,
              ExclusiveStartKey: startKey,
            }),
          ),
        { clock: this.clock },
      );
      for (const item of page.Items ?? []) chunks.push(toChunk(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return chunks;
  }

  private async voidPosition(rule: string, p: number): Promise<Chunk> {
    try {
      await call(
        'PutItem',
        () =>
          this.client.send(
            new PutItemCommand({
              TableName: this.table,
              Item: { ...this.key(rule, positionKey(p)), void: { BOOL: true } },
              ConditionExpression: 'attribute_not_exists(sk)',
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }),
          ),
        { clock: this.clock, expected: isConditionalFailure },
      );
      return { p, void: true, n: 0, bytes: 0, entries: [] };
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      const arrived = (error as { Item?: Item }).Item ?? (await this.get(rule, positionKey(p)));
      if (!arrived) throw new ContentionError(`ledger ${rule}: position ${p} neither voided nor readable`, error);
      return toChunk(arrived);
    }
  }

  private async verifiedMembers(rule: string, chunks: Chunk[], now: Date): Promise<ObjectRef[]> {
    const entries = chunks.flatMap((c) => c.entries.map((e) => ({ ...e, p: c.p })));
    const identities = await this.batchGet(
      rule,
      [...new Set(entries.map((e) => e.hash))].map((h) => `OBJ#${h}`),
    );
    const owner = new Map<string, number | undefined>();
    for (const [sk, item] of identities) owner.set(sk.slice(4), num(item, 'p'));
    // An identity still missing belongs to a writer that died (or is slow) between its chunk and
    // its identities: claim it for the first position that lists it; a lost race tells the truth.
    const expires = Math.floor(now.getTime() / 1000) + this.identityTtlDays * DAY_SECONDS;
    const unclaimed = new Map<string, number>();
    for (const e of entries) if (!owner.has(e.hash) && !unclaimed.has(e.hash)) unclaimed.set(e.hash, e.p);
    await Promise.all(
      [...unclaimed].map(async ([hash, p]) => {
        owner.set(hash, await this.claimIdentity(rule, hash, p, expires));
      }),
    );
    const members: ObjectRef[] = [];
    const counted = new Set<string>();
    for (const e of entries) {
      if (owner.get(e.hash) !== e.p || counted.has(e.hash)) continue;
      counted.add(e.hash);
      members.push(e.ref);
    }
    return members;
  }

  private async release(rule: string, leaseId: string): Promise<void> {
    try {
      await call(
        'UpdateItem',
        () =>
          this.client.send(
            new UpdateItemCommand({
              TableName: this.table,
              Key: this.key(rule, 'OPEN'),
              UpdateExpression: 'REMOVE #lease, #leaseCutoff',
              ConditionExpression: '#lease.#id = :id',
              ExpressionAttributeNames: { '#lease': 'lease', '#leaseCutoff': 'leaseCutoff', '#id': 'id' },
              ExpressionAttributeValues: { ':id': S(leaseId) },
            }),
          ),
        { clock: this.clock, expected: isConditionalFailure },
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error; // lease already expired and taken: nothing to release
    }
  }

  /**
   * Advances OPEN past `cutoff` (and records the batch, if any) in one transaction guarded by our
   * lease. Counts drop by exactly what the writers of the range added. firstAt is removed (the next
   * append sets it again); lastAt stays, the time of the latest arrival whatever its batch.
   *
   * Nothing but the lease is conditioned on OPEN: appends racing the commit never cancel it, which
   * also matters for moto, whose cancelled transactions restore a snapshot of the whole table and
   * so undo every write made concurrently (see the integration test notes).
   */
  private async commit(
    rule: string,
    leaseId: string,
    range: { cutoff: number; writerCount: number; writerBytes: number; batch?: { seq: number; item: Item } },
  ): Promise<boolean> {
    const names: Record<string, string> = {
      '#ct': 'closedThrough',
      '#count': 'count',
      '#bytes': 'bytes',
      '#lease': 'lease',
      '#leaseCutoff': 'leaseCutoff',
      '#id': 'id',
      '#firstAt': 'firstAt',
    };
    const values: Item = {
      ':cutoff': N(range.cutoff),
      ':cn': N(-range.writerCount),
      ':cb': N(-range.writerBytes),
      ':id': S(leaseId),
    };
    const set = ['#ct = :cutoff'];
    if (range.batch) {
      names['#nextSeq'] = 'nextSeq';
      values[':nextSeq'] = N(range.batch.seq + 1);
      set.push('#nextSeq = :nextSeq');
    }
    const transactItems = [
      {
        Update: {
          TableName: this.table,
          Key: this.key(rule, 'OPEN'),
          UpdateExpression: `SET ${set.join(', ')} ADD #count :cn, #bytes :cb REMOVE #lease, #leaseCutoff, #firstAt`,
          ConditionExpression: '#lease.#id = :id',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
      ...(range.batch
        ? [{ Put: { TableName: this.table, Item: range.batch.item, ConditionExpression: 'attribute_not_exists(sk)' } }]
        : []),
    ];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        await call(
          'TransactWriteItems',
          () =>
            this.client.send(
              new TransactWriteItemsCommand({
                // Same token on the SDK's retries of one attempt (idempotent for 10 minutes).
                ClientRequestToken: attempt === 0 ? leaseId : leaseToken(leaseId, attempt),
                TransactItems: transactItems,
              }),
            ),
          { clock: this.clock, expected: isTransactionCancelled },
        );
        return true;
      } catch (error) {
        if (!isTransactionCancelled(error)) throw error;
      }
      // Cancelled: our lease is gone (someone else closes this range), or a conflict with another
      // transaction on these items (try again while the lease is still ours).
      const current = await this.get(rule, 'OPEN');
      const lease = current?.lease && 'M' in current.lease ? current.lease.M : undefined;
      if (str(lease, 'id') !== leaseId) return false;
      await this.clock.sleep(50 * (attempt + 1));
    }
    await this.release(rule, leaseId);
    return false;
  }

  // ---------------------------------------------------------------- reads

  async members(rule: string, seq: number): Promise<ObjectRef[]> {
    const batch = await this.get(rule, seqKey(seq));
    if (!batch) return [];
    const from = num(batch, 'from') ?? 1;
    const to = num(batch, 'to') ?? 0;
    if (to < from) return [];
    const chunks = await this.queryPositions(rule, from, to);
    const entries = chunks.flatMap((c) => c.entries.map((e) => ({ ...e, p: c.p })));
    const identities = await this.batchGet(
      rule,
      [...new Set(entries.map((e) => e.hash))].map((h) => `OBJ#${h}`),
    );
    const members: ObjectRef[] = [];
    const counted = new Set<string>();
    for (const e of entries) {
      const identity = identities.get(`OBJ#${e.hash}`);
      // The closer made sure every identity existed; a missing one has expired (TTL, 35 days):
      // count the first entry that lists it.
      if ((identity && num(identity, 'p') !== e.p) || counted.has(e.hash)) continue;
      counted.add(e.hash);
      members.push(e.ref);
    }
    return members;
  }

  async open(rule: string): Promise<OpenBatch> {
    return toOpen(await this.get(rule, 'OPEN'));
  }

  // ---------------------------------------------------------------- helpers

  private key(rule: string, sk: string): Item {
    return { pk: S(ledgerKey(rule)), sk: S(sk) };
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

  /** Consistent BatchGetItem of any number of sort keys, 100 a call, re-asking for UnprocessedKeys. */
  private async batchGet(rule: string, sortKeys: string[]): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    for (let start = 0; start < sortKeys.length; start += BATCH_GET_KEYS) {
      let request: KeysAndAttributes | undefined = {
        Keys: sortKeys.slice(start, start + BATCH_GET_KEYS).map((sk) => this.key(rule, sk)),
        ConsistentRead: true,
      };
      for (let attempt = 0; request?.Keys?.length; attempt += 1) {
        if (attempt > 0) {
          if (attempt > 8) throw new ContentionError(`ledger ${rule}: BatchGetItem kept returning UnprocessedKeys`);
          await this.clock.sleep(Math.min(50 * 2 ** attempt, 2_000));
        }
        const keys: KeysAndAttributes = request;
        const result = await call(
          'BatchGetItem',
          () => this.client.send(new BatchGetItemCommand({ RequestItems: { [this.table]: keys } })),
          { clock: this.clock },
        );
        for (const item of result.Responses?.[this.table] ?? []) found.set(str(item, 'sk')!, item);
        request = result.UnprocessedKeys?.[this.table];
      }
    }
    return found;
  }
}

const ledgerKey = (rule: string): string => `LEDGER#${rule}`;
const positionKey = (p: number): string => `POS#${pad(p, 12)}`;
const seqKey = (seq: number): string => `SEQ#${pad(seq, 10)}`;
const leaseToken = (leaseId: string, attempt: number): string =>
  createHash('sha256').update(`${leaseId}#${attempt}`).digest('hex').slice(0, 36);

function leaseLive(open: Item, now: Date): boolean {
  const lease = open.lease && 'M' in open.lease ? open.lease.M : undefined;
  return lease !== undefined && (num(lease, 'until') ?? 0) >= now.getTime();
}

function toOpen(item: Item | undefined): OpenBatch {
  const open: OpenBatch = {
    pendingObjects: num(item, 'count') ?? 0,
    pendingBytes: num(item, 'bytes') ?? 0,
    nextSeq: num(item, 'nextSeq') ?? 0,
  };
  const firstAt = str(item, 'firstAt');
  const lastAt = str(item, 'lastAt');
  if (firstAt) open.firstArrivalAt = firstAt;
  if (lastAt) open.lastArrivalAt = lastAt;
  return open;
}

/** Short attribute names keep a 10-object chunk near 1 KB. */
function compact(o: ObjectRef, bucket: string): Item {
  const m: Item = { k: S(o.key), s: N(o.size) };
  if (o.bucket !== bucket) m.b = S(o.bucket);
  if (o.etag) m.e = S(o.etag);
  if (o.versionId) m.v = S(o.versionId);
  if (o.sequencer) m.q = S(o.sequencer);
  if (o.eventTime) m.t = S(o.eventTime);
  return m;
}

function toChunk(item: Item): Chunk {
  const p = Number(str(item, 'sk')!.slice(4));
  if (item.void) return { p, void: true, n: 0, bytes: 0, entries: [] };
  const bucket = str(item, 'b') ?? '';
  const list = item.objs && 'L' in item.objs ? (item.objs.L ?? []) : [];
  const entries = list.map((v): Entry => {
    const m = 'M' in v ? (v.M ?? {}) : {};
    const ref: ObjectRef = { bucket: str(m, 'b') ?? bucket, key: str(m, 'k') ?? '', size: num(m, 's') ?? 0 };
    const etag = str(m, 'e');
    const versionId = str(m, 'v');
    const sequencer = str(m, 'q');
    const eventTime = str(m, 't');
    if (etag !== undefined) ref.etag = etag;
    if (versionId !== undefined) ref.versionId = versionId;
    if (sequencer !== undefined) ref.sequencer = sequencer;
    if (eventTime !== undefined) ref.eventTime = eventTime;
    return { ref, hash: identityHash(ref) };
  });
  return { p, void: false, n: num(item, 'n') ?? entries.length, bytes: num(item, 'bytes') ?? 0, entries };
}
