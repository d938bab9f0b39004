/**
 * Rollback state on the state table:
 *   ENDPOINT#<name>     SEEN#<at>#<config>    configs seen InService (the "last good" history)
 *   ROLLBACK            RECHECK#<endpoint>    endpoints found Updating, re-checked by the tick
 *   ROLLBACK            FREEZE#<pipeline>#<stage>
 *   STAGERETRY#<key>    ATTEMPTS              retry counter with the event ids it counted
 *   INCIDENT#<incident> FOUND#<target>        what a rollback step found before acting (a week)
 */
import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { EndpointConfigSeen } from '../../../domain/rollback';
import { systemClock, type Clock } from '../../../ports/clock';
import type { Freeze, IncidentFindings, Recheck, RollbackStore } from '../../../ports/rollback-store';
import { N, S, call, conditionally, isConditionalFailure, num, queryAll, str, type Item } from './items';

const HISTORY = 20;
const YEAR_S = 365 * 86_400;
/** Longer than any delivery that may still act (staleAfterSeconds is at most a day). */
const INCIDENT_S = 7 * 86_400;

export class DynamoRollbackStore implements RollbackStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly clock: Clock = systemClock,
  ) {}

  private ttl() {
    return N(Math.floor(this.clock.now().getTime() / 1000) + YEAR_S);
  }

  private conditional(operation: string, send: () => Promise<unknown>): Promise<boolean> {
    return conditionally(operation, send, this.clock);
  }

  /** One Query of the endpoint's partition: BAD# marks and SEEN# sightings together. */
  async endpointHistory(endpoint: string): Promise<EndpointConfigSeen[]> {
    const items = await queryAll(
      this.client,
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': S(`ENDPOINT#${endpoint}`) },
      },
      this.clock,
    );
    const marks = items.filter((i) => str(i, 'sk')?.startsWith('BAD#'));
    const bad = new Set(marks.map((i) => str(i, 'config')));
    const restored = new Set(marks.map((i) => str(i, 'restoredTo')));
    return items
      .filter((i) => str(i, 'sk')?.startsWith('SEEN#'))
      .slice(-HISTORY)
      .map((i) => ({
        config: str(i, 'config') ?? '',
        at: str(i, 'at') ?? '',
        ...(str(i, 'modelPackageArn') ? { modelPackageArn: str(i, 'modelPackageArn') } : {}),
        ...(bad.has(str(i, 'config')) ? { bad: true } : {}),
        ...(restored.has(str(i, 'config')) ? { restored: true } : {}),
      }));
  }

  async markRollback(endpoint: string, config: string, restoredTo: string): Promise<void> {
    await call(
      'PutItem',
      () =>
        this.client.send(
          new PutItemCommand({
            TableName: this.table,
            Item: {
              pk: S(`ENDPOINT#${endpoint}`),
              sk: S(`BAD#${config}`),
              config: S(config),
              restoredTo: S(restoredTo),
              ttl: this.ttl(),
            },
          }),
        ),
      { clock: this.clock },
    );
  }

  async recordInService(endpoint: string, seen: EndpointConfigSeen): Promise<boolean> {
    return this.conditional('PutItem', () =>
      this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            pk: S(`ENDPOINT#${endpoint}`),
            sk: S(`SEEN#${seen.at}#${seen.config}`),
            config: S(seen.config),
            at: S(seen.at),
            ...(seen.modelPackageArn ? { modelPackageArn: S(seen.modelPackageArn) } : {}),
            ttl: this.ttl(),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  private async listRollback(prefix: string): Promise<Item[]> {
    const items = await queryAll(
      this.client,
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': S('ROLLBACK'), ':prefix': S(prefix) },
      },
      this.clock,
    );
    return items;
  }

  async pendingRechecks(): Promise<Recheck[]> {
    return (await this.listRollback('RECHECK#')).map((i) => ({
      endpoint: str(i, 'endpoint') ?? '',
      binding: str(i, 'binding') ?? '',
      alarm: str(i, 'alarm') ?? '',
      since: str(i, 'since') ?? '',
      config: str(i, 'config') ?? '',
      ...(str(i, 'status') ? { status: str(i, 'status')! } : {}),
    }));
  }

  async putRecheck({ endpoint, binding, alarm, since, config, status }: Recheck): Promise<void> {
    // First sighting wins: a later ALARM must not push the re-check's age forward.
    await this.conditional('PutItem', () =>
      this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            pk: S('ROLLBACK'),
            sk: S(`RECHECK#${endpoint}`),
            endpoint: S(endpoint),
            binding: S(binding),
            alarm: S(alarm),
            since: S(since),
            config: S(config),
            ...(status ? { status: S(status) } : {}),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async clearRecheck(endpoint: string): Promise<void> {
    await call(
      'DeleteItem',
      () =>
        this.client.send(
          new DeleteItemCommand({ TableName: this.table, Key: { pk: S('ROLLBACK'), sk: S(`RECHECK#${endpoint}`) } }),
        ),
      { clock: this.clock },
    );
  }

  async putFreeze(freeze: Freeze): Promise<void> {
    // One write whether or not the stage is frozen already. A list, not a string set: items
    // written before kept `alarms` as a list, and ADD on a list fails; freezes() drops repeats.
    await call(
      'UpdateItem',
      () =>
        this.client.send(
          new UpdateItemCommand({
            TableName: this.table,
            Key: { pk: S('ROLLBACK'), sk: S(`FREEZE#${freeze.pipeline}#${freeze.stage}`) },
            UpdateExpression:
              'SET pipeline = :pipeline, stage = :stage, #binding = if_not_exists(#binding, :binding), since = if_not_exists(since, :since), alarms = list_append(if_not_exists(alarms, :none), :alarms) REMOVE okSince',
            ExpressionAttributeNames: { '#binding': 'binding' },
            ExpressionAttributeValues: {
              ':pipeline': S(freeze.pipeline),
              ':stage': S(freeze.stage),
              ':binding': S(freeze.binding),
              ':since': S(freeze.since),
              ':alarms': { L: freeze.alarms.map(S) },
              ':none': { L: [] },
            },
          }),
        ),
      { clock: this.clock },
    );
  }

  async freezes(): Promise<Freeze[]> {
    return (await this.listRollback('FREEZE#')).map((i) => ({
      pipeline: str(i, 'pipeline') ?? '',
      stage: str(i, 'stage') ?? '',
      binding: str(i, 'binding') ?? '',
      alarms: [
        ...new Set(i.alarms && 'L' in i.alarms ? (i.alarms.L ?? []).map((a) => ('S' in a ? (a.S ?? '') : '')) : []),
      ],
      since: str(i, 'since') ?? '',
      ...(str(i, 'okSince') ? { okSince: str(i, 'okSince') } : {}),
    }));
  }

  async markOk(pipeline: string, stage: string, okSince: string | undefined): Promise<void> {
    await this.conditional('UpdateItem', () =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: S('ROLLBACK'), sk: S(`FREEZE#${pipeline}#${stage}`) },
          UpdateExpression: okSince ? 'SET okSince = :ok' : 'REMOVE okSince',
          ConditionExpression: 'attribute_exists(pk)',
          ...(okSince ? { ExpressionAttributeValues: { ':ok': S(okSince) } } : {}),
        }),
      ),
    );
  }

  async clearFreeze(pipeline: string, stage: string): Promise<void> {
    await call(
      'DeleteItem',
      () =>
        this.client.send(
          new DeleteItemCommand({
            TableName: this.table,
            Key: { pk: S('ROLLBACK'), sk: S(`FREEZE#${pipeline}#${stage}`) },
          }),
        ),
      { clock: this.clock },
    );
  }

  async recordFindings(incident: string, found: IncidentFindings): Promise<void> {
    // The first plan of the incident stays: a later delivery's plan already sees the rollback.
    await this.conditional('PutItem', () =>
      this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            pk: S(`INCIDENT#${incident}`),
            sk: S(`FOUND#${found.target}`),
            target: S(found.target),
            version: S(found.version),
            packages: { L: found.packages.map(S) },
            ttl: N(Math.floor(this.clock.now().getTime() / 1000) + INCIDENT_S),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async findings(incident: string): Promise<IncidentFindings[]> {
    const items = await queryAll(
      this.client,
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': S(`INCIDENT#${incident}`) },
        ConsistentRead: true,
      },
      this.clock,
    );
    return items.map((i) => ({
      target: str(i, 'target') ?? '',
      version: str(i, 'version') ?? '',
      packages: i.packages && 'L' in i.packages ? (i.packages.L ?? []).map((p) => ('S' in p ? (p.S ?? '') : '')) : [],
    }));
  }

  async countAttempt(key: string, eventId: string, max: number): Promise<number | 'duplicate' | 'exhausted'> {
    const Key = { pk: S(`STAGERETRY#${key}`), sk: S('ATTEMPTS') };
    try {
      const out = await call(
        'UpdateItem',
        () =>
          this.client.send(
            new UpdateItemCommand({
              TableName: this.table,
              Key,
              UpdateExpression: 'ADD attempts :one, events :event SET #ttl = :ttl',
              ConditionExpression: '(attribute_not_exists(attempts) OR attempts < :max) AND NOT contains(events, :id)',
              ExpressionAttributeNames: { '#ttl': 'ttl' },
              ExpressionAttributeValues: {
                ':one': N(1),
                ':event': { SS: [eventId] },
                ':id': S(eventId),
                ':max': N(max),
                ':ttl': this.ttl(),
              },
              ReturnValues: 'UPDATED_NEW',
            }),
          ),
        { clock: this.clock, expected: isConditionalFailure },
      );
      return num(out.Attributes, 'attempts') ?? 1;
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      const item = await call(
        'GetItem',
        () => this.client.send(new GetItemCommand({ TableName: this.table, Key, ConsistentRead: true })),
        { clock: this.clock },
      );
      const events = item.Item?.events && 'SS' in item.Item.events ? (item.Item.events.SS ?? []) : [];
      return events.includes(eventId) ? 'duplicate' : 'exhausted';
    }
  }
}
