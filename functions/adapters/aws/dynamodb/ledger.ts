/**
 * The batching ledger on the state table. Exact under duplicate delivery and concurrency, and
 * cheap: an append of n new objects bills n + 1 write units (one identity item per object, one
 * chunk item listing them, compressed to stay under 1 KB for the 10 objects of an SQS batch); a
 * close bills 3 (lease, batch item, commit: single-item writes of small items). Appenders never
 * write a shared item, so they do not contend with each other or with closers.
 *
 * Items of rule r, all under pk `LEDGER#r`:
 *   C#<lane:2>#<p:10>  one append's chunk in lane `lane` at position p: the objects (deflated JSON),
 *                      n, bytes, the lane's cumulative count/bytes through this chunk (cn, cb), and
 *                      the arrival time. A lane is a dense log: a chunk is only ever written at
 *                      (last existing position + 1), by a conditional put, so every position up to
 *                      a lane's last existing one exists. Each container appends to one lane of
 *                      `lanes` and moves to another when it loses a position race.
 *   OBJ#<sha256>       identity of one upload: {c} = the chunk that owns it; TTL 35 days, longer
 *                      than SQS retention plus a DLQ redrive. Written once, never changed. Under
 *                      pk `LEDGER#r#<first hash character>` (see identityPartition).
 *   OPEN               per lane, what is closed: {lanes: {<lane>: {ct, cn, cb}}} (closed through
 *                      position ct, with the cumulative counts there); nextSeq; lease {id, until}
 *                      while a closer works. Only closers write it.
 *   SEQ#<seq:10>       a closed batch: per lane the position range [from, to], count, bytes, closedAt,
 *                      and the lease of the closer that wrote it. It counts once OPEN's nextSeq is
 *                      past it; until then only the lease holder writes it.
 *
 * An entry of chunk c is a member of whichever batch covers c iff its identity names c. A closer
 * reads OPEN and every lane's end in one BatchGetItem (probing past the heads it knows), takes the
 * lease, reads each lane from its ct to that end by key (no gaps to wait for: lanes are dense),
 * writes the batch item, then commits the new cuts and nextSeq on OPEN, both writes conditional on
 * its lease. A chunk written after the closer read its lane lands past the cut, in the next batch.
 */
import {
  BatchGetItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  type AttributeValue,
  type DynamoDBClient,
  type KeysAndAttributes,
} from '@aws-sdk/client-dynamodb';
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { ContentionError, ControllerError } from '../../../domain/errors';
import { objectIdentity, type ObjectRef } from '../../../domain/objects';
import type { AppendResult, BatchLedger, ClosedBatch, OpenBatch, OpenBatchView } from '../../../ports/batch-ledger';
import { systemClock, type Clock } from '../../../ports/clock';
import {
  N,
  S,
  call,
  conditionalPut,
  conditionalUpdate,
  isConditionalFailure,
  isTransactionCancelled,
  num,
  pad,
  str,
  type Item,
} from './items';

const DAY_SECONDS = 86_400;
const BATCH_GET_KEYS = 100;
const MAX_LANES = 16;
/** Positions read past each lane's known last chunk by an append's one BatchGetItem. */
const PROBES = 3;
const OPEN = 'OPEN';

export interface DynamoBatchLedgerOptions {
  /** How long a closer owns the open batch (default 30 s). */
  leaseMs?: number;
  /** Identity items expire after this many days (default 35: > SQS retention + DLQ redrive). */
  identityTtlDays?: number;
  /**
   * Lanes per rule (default 4, at most 16): enough that the containers appending at once rarely
   * share one. More lanes cost every read PROBES more keys (one BatchGetItem holds 100); a shared
   * lane costs a lost race (one failed conditional put) now and then.
   */
  lanes?: number;
  /** Position races one append may lose before it gives up (default 20). */
  appendAttempts?: number;
  /** The lane this instance appends to first (default: random). */
  lane?: number;
}

interface Entry {
  ref: ObjectRef;
  hash: string;
}

/** The last chunk of a lane as far as an instance knows: position and cumulative counts. */
interface Head {
  p: number;
  cn: number;
  cb: number;
  at?: string;
}

interface Chunk extends Head {
  lane: number;
  sk: string;
  n: number;
  bytes: number;
  entries: Entry[];
}

/** Where a lane's closed part ends. */
interface Cut {
  ct: number;
  cn: number;
  cb: number;
}

const EMPTY: Head & Cut = { p: 0, ct: 0, cn: 0, cb: 0 };

export const identityHash = (o: ObjectRef): string =>
  createHash('sha256').update(objectIdentity(o)).digest('base64url');

export class DynamoBatchLedger implements BatchLedger {
  private readonly leaseMs: number;
  private readonly identityTtlDays: number;
  private readonly lanes: number;
  private readonly appendAttempts: number;
  /** Objects per chunk: their identities, OPEN and the probes fill one 100-key BatchGetItem. */
  private readonly maxChunk: number;
  private lane: number;
  /** `${rule} ${lane}` → the newest head this instance has seen (heads only move forward). */
  private readonly heads = new Map<string, Head>();

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly clock: Clock = systemClock,
    options: DynamoBatchLedgerOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 30_000;
    this.identityTtlDays = options.identityTtlDays ?? 35;
    this.lanes = options.lanes ?? 4;
    if (!Number.isInteger(this.lanes) || this.lanes < 1 || this.lanes > MAX_LANES)
      throw new ControllerError(`ledger lanes must be a whole number from 1 to ${MAX_LANES}, not ${this.lanes}`);
    this.appendAttempts = options.appendAttempts ?? 20;
    this.lane = (options.lane ?? randomInt(this.lanes)) % this.lanes;
    this.maxChunk = BATCH_GET_KEYS - 1 - this.lanes * PROBES;
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
    for (let start = 0; start < fresh.length; start += this.maxChunk) {
      const slice = fresh.slice(start, start + this.maxChunk);
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

  /**
   * One append of distinct objects: returns, per entry, whether it was a duplicate, and the open
   * batch's counters. The counters include every chunk this call saw or wrote; a chunk another
   * container writes at the same moment may be missing from both calls' counts, so a close that
   * both just missed is made by the next append or the sweeper.
   */
  private async appendChunk(
    rule: string,
    entries: Entry[],
    now: Date,
  ): Promise<{ duplicates: boolean[]; open: OpenBatch }> {
    // (1) One consistent read: every identity (known ones are duplicates), OPEN, and the next few
    // positions of every lane (how far the other containers got).
    const { heads, found } = await this.probe(rule, [...entries.map((e) => identityKey(e.hash)), OPEN]);
    const open = found.get(OPEN);
    const duplicates = entries.map((e) => found.has(identityKey(e.hash)));
    const fresh = entries.filter((_, i) => !duplicates[i]);
    if (fresh.length === 0) return { duplicates, open: pendingOf(open, heads, now) };

    // (2) The chunk, at the end of a lane.
    const chunk = await this.putChunk(rule, heads, fresh, now);

    // (3) Claim each identity for the chunk. A loss means a concurrent delivery of the same object
    // won: it stays listed in our chunk, but only the chunk its identity names counts it.
    const expires = Math.floor(now.getTime() / 1000) + this.identityTtlDays * DAY_SECONDS;
    const owners = await Promise.all(fresh.map((e) => this.claimIdentity(rule, e.hash, chunk, expires)));
    const lost = new Set(fresh.filter((_, i) => owners[i] !== chunk).map((e) => e.hash));
    return {
      duplicates: entries.map((e, i) => duplicates[i]! || lost.has(e.hash)),
      open: pendingOf(open, heads, now),
    };
  }

  /** Writes the chunk at (last position + 1) of this instance's lane, moving lanes on a lost race. */
  private async putChunk(rule: string, heads: Head[], entries: Entry[], now: Date): Promise<string> {
    const bucket = entries[0]!.ref.bucket;
    const { kp, z } = encode(
      entries.map((e) => e.ref),
      bucket,
    );
    const n = entries.length;
    const bytes = entries.reduce((sum, e) => sum + e.ref.size, 0);
    for (let attempt = 0; attempt < this.appendAttempts; attempt += 1) {
      const lane = this.lane;
      const head = heads[lane]!;
      const next: Head = { p: head.p + 1, cn: head.cn + n, cb: head.cb + bytes, at: now.toISOString() };
      const sk = chunkKey(lane, next.p);
      // Tells an SDK retry of our own put apart from another writer's chunk (even one listing the
      // same objects: a duplicate delivery racing us for the same position).
      const writer = randomBytes(8).toString('base64url');
      try {
        await call(
          'PutItem',
          () =>
            this.client.send(
              new PutItemCommand({
                TableName: this.table,
                Item: {
                  ...this.key(rule, sk),
                  b: S(bucket),
                  kp: S(kp),
                  z: { B: z },
                  n: N(n),
                  bytes: N(bytes),
                  cn: N(next.cn),
                  cb: N(next.cb),
                  at: S(next.at!),
                  w: S(writer),
                },
                ConditionExpression: 'attribute_not_exists(sk)',
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              }),
            ),
          { clock: this.clock, expected: isConditionalFailure },
        );
        this.noteHead(rule, lane, heads, next);
        return sk;
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
        const existing = (error as { Item?: Item }).Item ?? (await this.get(rule, sk));
        // An SDK retry of our own successful put also lands here: then the chunk there is ours.
        if (existing && str(existing, 'w') === writer) {
          this.noteHead(rule, lane, heads, next);
          return sk;
        }
        // Another container took the position: note how far the lane got and append elsewhere,
        // from that lane's actual end (the probe of it may be a few appends old by now).
        this.noteHead(rule, lane, heads, existing ? headOf(existing) : await this.queryHead(rule, lane));
        if (this.lanes > 1) this.lane = (lane + 1 + randomInt(this.lanes - 1)) % this.lanes;
        this.noteHead(rule, this.lane, heads, await this.queryHead(rule, this.lane));
      }
    }
    throw new ContentionError(`ledger ${rule}: lost ${this.appendAttempts} position races in a row`);
  }

  /** Writes identity → chunk if absent; returns the chunk that owns the identity afterwards. */
  private async claimIdentity(rule: string, hash: string, chunk: string, expires: number): Promise<string | undefined> {
    const result = await conditionalPut(
      this.client,
      {
        TableName: this.table,
        Item: { ...this.key(rule, identityKey(hash)), c: S(chunk), ttl: N(expires) },
        ConditionExpression: 'attribute_not_exists(sk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
      this.clock,
    );
    if (result.written) return chunk;
    return str(result.existing ?? (await this.get(rule, identityKey(hash))), 'c');
  }

  // ---------------------------------------------------------------- lane heads

  private noteHead(rule: string, lane: number, heads: Head[], head: Head): void {
    if (head.p >= heads[lane]!.p) heads[lane] = head;
    const known = this.heads.get(`${rule} ${lane}`);
    if (!known || head.p > known.p) this.heads.set(`${rule} ${lane}`, head);
  }

  /** Each lane's last chunk as this instance knows it; lanes it never saw are read once. */
  private async knownHeads(rule: string): Promise<Head[]> {
    return Promise.all(
      Array.from({ length: this.lanes }, async (_, lane) => {
        const known = this.heads.get(`${rule} ${lane}`);
        if (known) return known;
        const head = await this.queryHead(rule, lane);
        this.heads.set(`${rule} ${lane}`, head);
        return head;
      }),
    );
  }

  /** Moves the heads past the probed positions that exist; a lane that got further is read again. */
  private async advanceHeads(rule: string, heads: Head[], found: Map<string, Item>): Promise<void> {
    await Promise.all(
      heads.map(async (start, lane) => {
        let head = start;
        for (let i = 1; i <= PROBES; i += 1) {
          const item = found.get(chunkKey(lane, start.p + i));
          if (!item) break;
          head = headOf(item);
        }
        if (head.p === start.p + PROBES) head = await this.queryHead(rule, lane);
        this.noteHead(rule, lane, heads, head);
      }),
    );
  }

  /**
   * `keys` and every lane's exact end in one consistent BatchGetItem: the next PROBES positions
   * past the heads this instance knows (lanes are dense, so the first missing position ends the
   * lane). Only a lane it never saw, or one that got further than the probes, costs a Query.
   */
  private async probe(rule: string, keys: string[]): Promise<{ heads: Head[]; found: Map<string, Item> }> {
    const heads = await this.knownHeads(rule);
    const probes = heads.flatMap((h, lane) => Array.from({ length: PROBES }, (_, i) => chunkKey(lane, h.p + i + 1)));
    const found = await this.batchGet(rule, [...keys, ...probes], true);
    await this.advanceHeads(rule, heads, found);
    return { heads, found };
  }

  private async queryHead(rule: string, lane: number): Promise<Head> {
    const page = await call(
      'Query',
      () =>
        this.client.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :lane)',
            ExpressionAttributeValues: { ':pk': S(ledgerKey(rule)), ':lane': S(lanePrefix(lane)) },
            ProjectionExpression: 'sk, cn, cb, #at',
            ExpressionAttributeNames: { '#at': 'at' },
            ScanIndexForward: false,
            Limit: 1,
            ConsistentRead: true,
          }),
        ),
      { clock: this.clock },
    );
    const item = page.Items?.[0];
    return item ? headOf(item) : EMPTY;
  }

  // ---------------------------------------------------------------- close

  async close(
    rule: string,
    decide: (members: ObjectRef[], open: OpenBatch) => boolean,
    now: Date,
    worthTrying?: (open: OpenBatch) => boolean,
  ): Promise<ClosedBatch | null> {
    // (1) Anything to close, worth a lease, and nobody closing? OPEN is read after the lanes, right
    // before the lease, so that callers racing for the lease rarely both get this far (a lost lease
    // race bills a write). Counters can come out low only if a close committed in between; the
    // arrivals it left behind re-trigger.
    const { heads, found } = await this.probe(rule, [OPEN]);
    const current = found.get(OPEN);
    if (current && leaseLive(current, now)) return null;
    const open = pendingOf(current, heads);
    if (open.pendingObjects <= 0 || (worthTrying && !worthTrying(open))) return null;

    // (2) Lease. From here until our commit, OPEN changes only through us.
    const leaseId = randomUUID();
    const leased = await this.lease(rule, leaseId, now);
    if (!leased) return null;
    try {
      return await this.closeLeased(rule, leaseId, leased, heads, decide, now);
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
    heads: Head[],
    decide: (members: ObjectRef[], open: OpenBatch) => boolean,
    now: Date,
  ): Promise<ClosedBatch | null> {
    const cuts = cutsOf(leased);
    const seq = num(leased, 'nextSeq') ?? 0;

    // (3) Every lane from its cut to the end read in (1), by key: all of it exists (lanes are
    // dense). A chunk written since lies past the new cut, in the next batch.
    const lanes = await this.readLanes(
      rule,
      heads.map((h, lane) => [(cuts[lane]?.ct ?? 0) + 1, h.p]),
    );
    const next: Record<number, Cut> = { ...cuts };
    const ranges: Record<number, [number, number]> = {};
    lanes.forEach((chunks, lane) => {
      const from = (cuts[lane]?.ct ?? 0) + 1;
      const last = chunks.at(-1);
      if (!last) return;
      next[lane] = { ct: last.p, cn: last.cn, cb: last.cb };
      ranges[lane] = [from, last.p];
    });
    const chunks = lanes.flat();

    // (4) Members: entries whose identity names their own chunk.
    const members = await this.verifiedMembers(rule, chunks, now);

    // (5) Nothing real (all duplicates): advance past it without a batch.
    if (members.length === 0) {
      await this.commit(rule, leaseId, next);
      return null;
    }
    const lastAt = chunks.reduce<string | undefined>(
      (max, c) => (c.at && (!max || c.at > max) ? c.at : max),
      undefined,
    );
    const open: OpenBatch = {
      pendingObjects: chunks.reduce((sum, c) => sum + c.n, 0),
      pendingBytes: chunks.reduce((sum, c) => sum + c.bytes, 0),
      nextSeq: seq,
      ...(lastAt ? { lastArrivalAt: lastAt } : {}),
    };
    if (!decide(members, open)) {
      await this.release(rule, leaseId);
      return null;
    }

    // (6) Record the batch, then commit the new cuts past it: two one-unit writes, each conditional
    // on our lease, where one transaction of both would bill two units per item. The batch item
    // counts from the commit on (nobody reads a batch at or past OPEN's nextSeq), and a lease
    // holder replaces one a closer left behind when it lost its lease before its commit.
    const closedAt = now.toISOString();
    const recorded = await this.recordBatch(rule, leaseId, {
      ...this.key(rule, seqKey(seq)),
      ranges: {
        M: Object.fromEntries(Object.entries(ranges).map(([lane, [from, to]]) => [lane, { L: [N(from), N(to)] }])),
      },
      count: N(members.length),
      bytes: N(members.reduce((sum, m) => sum + m.size, 0)),
      closedAt: S(closedAt),
      lease: S(leaseId),
    });
    if (!recorded || !(await this.commit(rule, leaseId, next, seq + 1))) return null;
    return { rule, seq, members, closedAt };
  }

  private async lease(rule: string, leaseId: string, now: Date): Promise<Item | undefined> {
    const result = await conditionalUpdate(
      this.client,
      {
        TableName: this.table,
        Key: this.key(rule, OPEN),
        UpdateExpression: 'SET #lease = :lease',
        ConditionExpression: 'attribute_not_exists(#lease) OR #lease.#until < :now',
        ExpressionAttributeNames: { '#lease': 'lease', '#until': 'until' },
        ExpressionAttributeValues: {
          ':lease': { M: { id: S(leaseId), until: N(now.getTime() + this.leaseMs) } },
          ':now': N(now.getTime()),
        },
        ReturnValues: 'ALL_NEW',
      },
      this.clock,
    );
    return result.applied ? result.attributes : undefined;
  }

  /**
   * The chunks of each lane's position span [from, to], by key (one BatchGetItem per 100 chunks);
   * a lane without a span, or with an empty one, reads nothing. A missing position inside a span
   * is a gap, which a dense lane never has: the close is retried.
   */
  private async readLanes(rule: string, spans: ReadonlyArray<[number, number] | undefined>): Promise<Chunk[][]> {
    const wanted = Array.from({ length: Math.max(this.lanes, spans.length) }, (_, lane) => {
      const span = spans[lane];
      return span && span[1] >= span[0]
        ? Array.from({ length: span[1] - span[0] + 1 }, (_, i) => chunkKey(lane, span[0] + i))
        : [];
    });
    const found = await this.batchGet(rule, wanted.flat(), false);
    return wanted.map((keys, lane) =>
      keys.map((sk) => {
        const item = found.get(sk);
        if (!item) throw new ContentionError(`ledger ${rule}: lane ${lane} has a gap at ${sk}`);
        return toChunk(item);
      }),
    );
  }

  private async verifiedMembers(rule: string, chunks: Chunk[], now: Date): Promise<ObjectRef[]> {
    const entries = chunks.flatMap((c) => c.entries.map((e) => ({ ...e, c: c.sk })));
    const identities = await this.batchGet(rule, [...new Set(entries.map((e) => identityKey(e.hash)))], false);
    const owner = new Map<string, string | undefined>();
    for (const [sk, item] of identities) owner.set(sk.slice(4), str(item, 'c'));
    // An identity still missing belongs to a writer that died (or is slow) between its chunk and
    // its identities: claim it for the first chunk that lists it; a lost race tells the truth.
    const expires = Math.floor(now.getTime() / 1000) + this.identityTtlDays * DAY_SECONDS;
    const unclaimed = new Map<string, string>();
    for (const e of entries) if (!owner.has(e.hash) && !unclaimed.has(e.hash)) unclaimed.set(e.hash, e.c);
    await Promise.all(
      [...unclaimed].map(async ([hash, c]) => {
        owner.set(hash, await this.claimIdentity(rule, hash, c, expires));
      }),
    );
    const members: ObjectRef[] = [];
    const counted = new Set<string>();
    for (const e of entries) {
      if (owner.get(e.hash) !== e.c || counted.has(e.hash)) continue;
      counted.add(e.hash);
      members.push(e.ref);
    }
    return members;
  }

  /** Gives the lease back; false when it had expired and was taken (nothing to give back). */
  private release(rule: string, leaseId: string): Promise<boolean> {
    return this.commit(rule, leaseId);
  }

  /**
   * Writes the batch item while we hold the lease. An item already there is ours (an SDK retry of
   * this put) or was left by a closer whose lease expired before its commit: OPEN still says the
   * batch is not closed, and that closer can no longer commit, so it is replaced, in a transaction
   * that checks our lease is still live (the one transaction left on this path, and a rare one).
   */
  private async recordBatch(rule: string, leaseId: string, item: Item): Promise<boolean> {
    const put = await conditionalPut(
      this.client,
      {
        TableName: this.table,
        Item: item,
        ConditionExpression: 'attribute_not_exists(sk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
      this.clock,
    );
    if (put.written) return true;
    const existing = put.existing ?? (await this.get(rule, str(item, 'sk')!));
    const owner = str(existing, 'lease');
    if (owner === leaseId) return true;
    try {
      await call(
        'TransactWriteItems',
        () =>
          this.client.send(
            new TransactWriteItemsCommand({
              ClientRequestToken: leaseToken(leaseId, 'batch'),
              TransactItems: [
                {
                  ConditionCheck: {
                    TableName: this.table,
                    Key: this.key(rule, OPEN),
                    ConditionExpression: '#lease.#id = :id',
                    ExpressionAttributeNames: { '#lease': 'lease', '#id': 'id' },
                    ExpressionAttributeValues: { ':id': S(leaseId) },
                  },
                },
                {
                  Put: {
                    TableName: this.table,
                    Item: item,
                    ...(owner === undefined
                      ? { ConditionExpression: 'attribute_not_exists(#lease)' }
                      : { ConditionExpression: '#lease = :owner', ExpressionAttributeValues: { ':owner': S(owner) } }),
                    ExpressionAttributeNames: { '#lease': 'lease' },
                  },
                },
              ],
            }),
          ),
        { clock: this.clock, expected: isTransactionCancelled },
      );
      return true;
    } catch (error) {
      if (!isTransactionCancelled(error)) throw error;
      // Our lease is gone: the new holder closes this range.
      const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons;
      if (reasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
      // Anything else (a conflicting transaction): fail the close, which gives the lease back.
      throw new ContentionError(`ledger ${rule}: could not replace a lapsed closer's batch item`, error);
    }
  }

  /**
   * Drops our lease on OPEN and moves the cuts (and `nextSeq`, when a batch was recorded) in the
   * same conditional write. Appenders never write OPEN: only a lease takeover refuses it.
   */
  private async commit(rule: string, leaseId: string, cuts?: Record<number, Cut>, nextSeq?: number): Promise<boolean> {
    const names: Record<string, string> = { '#lease': 'lease', '#id': 'id' };
    const values: Item = { ':id': S(leaseId) };
    const set: string[] = [];
    if (cuts) {
      names['#lanes'] = 'lanes';
      values[':lanes'] = {
        M: Object.fromEntries(
          Object.entries(cuts).map(([lane, c]) => [lane, { M: { ct: N(c.ct), cn: N(c.cn), cb: N(c.cb) } }]),
        ),
      };
      set.push('#lanes = :lanes');
    }
    if (nextSeq !== undefined) {
      names['#nextSeq'] = 'nextSeq';
      values[':nextSeq'] = N(nextSeq);
      set.push('#nextSeq = :nextSeq');
    }
    const result = await conditionalUpdate(
      this.client,
      {
        TableName: this.table,
        Key: this.key(rule, OPEN),
        UpdateExpression: `${set.length ? `SET ${set.join(', ')} ` : ''}REMOVE #lease`,
        ConditionExpression: '#lease.#id = :id',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
      this.clock,
    );
    return result.applied;
  }

  // ---------------------------------------------------------------- reads

  async members(rule: string, seq: number): Promise<ObjectRef[]> {
    const batch = await this.get(rule, seqKey(seq));
    const ranges = batch?.ranges && 'M' in batch.ranges ? (batch.ranges.M ?? {}) : {};
    const spans: Array<[number, number]> = [];
    for (const [lane, range] of Object.entries(ranges)) {
      const [from, to] = ('L' in range ? (range.L ?? []) : []).map((v) => Number((v as { N?: string }).N));
      if (from !== undefined && to !== undefined) spans[Number(lane)] = [from, to];
    }
    const lanes = await this.readLanes(rule, spans);
    const entries = lanes.flat().flatMap((c) => c.entries.map((e) => ({ ...e, c: c.sk })));
    const identities = await this.batchGet(rule, [...new Set(entries.map((e) => identityKey(e.hash)))], false);
    const members: ObjectRef[] = [];
    const counted = new Set<string>();
    for (const e of entries) {
      const identity = identities.get(identityKey(e.hash));
      // The closer made sure every identity existed; a missing one has expired (TTL, 35 days):
      // count the first entry that lists it.
      if ((identity && str(identity, 'c') !== e.c) || counted.has(e.hash)) continue;
      counted.add(e.hash);
      members.push(e.ref);
    }
    return members;
  }

  /** Exact counters: OPEN and the last chunk of every lane. */
  async open(rule: string): Promise<OpenBatch> {
    const { heads, found } = await this.probe(rule, [OPEN]);
    return pendingOf(found.get(OPEN), heads);
  }

  /**
   * The counters as `open` reads them, then the first chunk past each lane's cut in one more
   * BatchGetItem: lanes are dense, so that chunk is the lane's oldest pending append.
   */
  async inspect(rule: string): Promise<OpenBatchView> {
    const { heads, found } = await this.probe(rule, [OPEN]);
    const open = found.get(OPEN);
    const view: OpenBatchView = pendingOf(open, heads, this.clock.now());
    const cuts = cutsOf(open);
    const firsts = heads.flatMap((head, lane) => {
      const ct = (cuts[lane] ?? EMPTY).ct;
      return head.p > ct ? [chunkKey(lane, ct + 1)] : [];
    });
    if (firsts.length === 0) return view;
    const arrivals = [...(await this.batchGet(rule, firsts, true)).values()].flatMap((c) => str(c, 'at') ?? []);
    const first = arrivals.sort()[0];
    return first ? { ...view, firstArrivalAt: first } : view;
  }

  // ---------------------------------------------------------------- helpers

  private key(rule: string, sk: string): Item {
    return { pk: S(sk.startsWith('OBJ#') ? identityPartition(rule, sk) : ledgerKey(rule)), sk: S(sk) };
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

  /**
   * Consistent BatchGetItem of any number of sort keys, 100 a call, re-asking for UnprocessedKeys.
   * `small` leaves out the chunks' object lists (the append path needs only their counters).
   */
  private async batchGet(rule: string, sortKeys: string[], small: boolean): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    for (let start = 0; start < sortKeys.length; start += BATCH_GET_KEYS) {
      let request: KeysAndAttributes | undefined = {
        Keys: sortKeys.slice(start, start + BATCH_GET_KEYS).map((sk) => this.key(rule, sk)),
        ConsistentRead: true,
        ...(small
          ? {
              ProjectionExpression: 'sk, c, #lanes, nextSeq, #lease, cn, cb, #at',
              ExpressionAttributeNames: { '#lanes': 'lanes', '#lease': 'lease', '#at': 'at' },
            }
          : {}),
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
const identityKey = (hash: string): string => `OBJ#${hash}`;
/**
 * Identities spread over 64 partition keys per rule (by their hash's first character): a storm's
 * identity writes spread over DynamoDB partitions (each takes at most 1,000 write units a second),
 * and the rule's own partition holds only chunks, OPEN and batches, which is what the closer reads.
 */
const identityPartition = (rule: string, identitySk: string): string => `${ledgerKey(rule)}#${identitySk.charAt(4)}`;
const lanePrefix = (lane: number): string => `C#${pad(lane, 2)}#`;
const chunkKey = (lane: number, p: number): string => `${lanePrefix(lane)}${pad(p, 10)}`;
const seqKey = (seq: number): string => `SEQ#${pad(seq, 10)}`;
/** A transaction's ClientRequestToken for one step of one lease: SDK retries of it are idempotent. */
const leaseToken = (leaseId: string, step: string): string =>
  createHash('sha256').update(`${leaseId}#${step}`).digest('hex').slice(0, 36);

function leaseLive(open: Item, now: Date): boolean {
  const lease = open.lease && 'M' in open.lease ? open.lease.M : undefined;
  return lease !== undefined && (num(lease, 'until') ?? 0) >= now.getTime();
}

function headOf(item: Item): Head {
  const sk = str(item, 'sk')!;
  const head: Head = {
    p: Number(sk.slice(sk.lastIndexOf('#') + 1)),
    cn: num(item, 'cn') ?? 0,
    cb: num(item, 'cb') ?? 0,
  };
  const at = str(item, 'at');
  if (at) head.at = at;
  return head;
}

function cutsOf(open: Item | undefined): Record<number, Cut> {
  const lanes = open?.lanes && 'M' in open.lanes ? (open.lanes.M ?? {}) : {};
  const cuts: Record<number, Cut> = {};
  for (const [lane, value] of Object.entries(lanes)) {
    const m = 'M' in value ? value.M : undefined;
    cuts[Number(lane)] = { ct: num(m, 'ct') ?? 0, cn: num(m, 'cn') ?? 0, cb: num(m, 'cb') ?? 0 };
  }
  return cuts;
}

/** Counters of the open batch: every lane's last known chunk past its cut. */
function pendingOf(open: Item | undefined, heads: Head[], now?: Date): OpenBatch {
  const cuts = cutsOf(open);
  const result: OpenBatch = { pendingObjects: 0, pendingBytes: 0, nextSeq: num(open, 'nextSeq') ?? 0 };
  if (open && now && leaseLive(open, now)) result.closing = true;
  heads.forEach((head, lane) => {
    const cut = cuts[lane] ?? EMPTY;
    if (head.p <= cut.ct) return;
    result.pendingObjects += head.cn - cut.cn;
    result.pendingBytes += head.cb - cut.cb;
    if (head.at && (!result.lastArrivalAt || head.at > result.lastArrivalAt)) result.lastArrivalAt = head.at;
  });
  return result;
}

type Row = [string, number, ...(string | null)[]];

/**
 * A chunk's objects as deflated JSON rows, keys relative to their common prefix: ten objects of an
 * SQS batch (dated keys, 32-hex etags, sequencers, event times) take 300–600 bytes instead of ~1.3 KB
 * as a DynamoDB list of maps, so the chunk bills one write unit.
 */
function encode(refs: ObjectRef[], bucket: string): { kp: string; z: Uint8Array } {
  let kp = refs[0]!.key;
  for (const r of refs) while (!r.key.startsWith(kp)) kp = kp.slice(0, -1);
  const rows = refs.map((r): Row => {
    const row: Row = [
      r.key.slice(kp.length),
      r.size,
      r.etag ?? null,
      r.versionId ?? null,
      r.sequencer ?? null,
      r.eventTime ?? null,
      r.bucket === bucket ? null : r.bucket,
    ];
    while (row.length > 2 && row.at(-1) === null) row.pop();
    return row;
  });
  return { kp, z: deflateRawSync(JSON.stringify(rows)) };
}

function toChunk(item: Item): Chunk {
  const head = headOf(item);
  const sk = str(item, 'sk')!;
  const bucket = str(item, 'b') ?? '';
  const kp = str(item, 'kp') ?? '';
  const z = (item.z as AttributeValue.BMember | undefined)?.B;
  const rows = z ? (JSON.parse(inflateRawSync(z).toString('utf8')) as Row[]) : [];
  const entries = rows.map(([suffix, size, etag, versionId, sequencer, eventTime, otherBucket]): Entry => {
    const ref: ObjectRef = { bucket: otherBucket ?? bucket, key: kp + suffix, size };
    if (etag) ref.etag = etag;
    if (versionId) ref.versionId = versionId;
    if (sequencer) ref.sequencer = sequencer;
    if (eventTime) ref.eventTime = eventTime;
    return { ref, hash: identityHash(ref) };
  });
  return {
    ...head,
    lane: Number(sk.slice(2, 4)),
    sk,
    n: num(item, 'n') ?? entries.length,
    bytes: num(item, 'bytes') ?? 0,
    entries,
  };
}
