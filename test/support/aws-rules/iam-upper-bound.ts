/**
 * The upper bound of the roles: every statement (and every action of a multi-action statement)
 * of every function's role must be needed by some call the test run recorded for that function:
 * deleting it makes that call denied. What no recorded call needs is either a grant to remove or
 * one of EXEMPT below, each with the reason the tests cannot record its use.
 *
 * The calls come from the recorder (iam-recorder.ts), which every test file of the run appends to
 * IAM_CALLS_DIR; so the bound is only meaningful after a whole `npm test` (iam-global.ts decides).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Policy } from '../../../functions/config/policy';
import type { AuthorizedCall } from '../role-simulation';
import { decide, functionsOfStack, rolePolicies, withoutStatement } from './iam-evaluate';

/**
 * Grants the tests cannot show needed, by statement id: Lambda itself uses them with the function's
 * role, outside the function's code, so no SDK call of ours makes them.
 */
export const EXEMPT: Record<string, string> = {
  OwnLogs: "Lambda writes the function's logs (CreateLogStream/PutLogEvents) with its role",
  AsyncFailureDestination:
    "Lambda sends a failed asynchronous invocation to the onFailure queue with the function's role",
  DataQueueEventSource:
    "Lambda's SQS event source mapping polls and deletes the data queue's messages with the function's role",
};

/**
 * Grants no recorded call needs although the function's bundle can make the call, by grant name
 * (`fn/Sid: action`). Any other such grant fails the bound: a grant is either shown needed by a
 * recorded call, used by Lambda itself (EXEMPT), or listed here with the reason no test records it.
 * An entry that is no longer unrecorded fails the bound too, so the list only shrinks to what is true.
 */
export const UNRECORDED: Record<string, { group: string; reason: string }> = {
  ...group(
    'the endpoint re-check: a paused commit answered without the switch',
    "endpoint-tracker.test.ts drives the re-checks through the handler, freezing, updating and rejecting under committed decisions (UpdateItem: the freeze, the kept claims); every write the tracker makes is committed, so it reads the kill switch (GetItem) only when a commit it paused comes back without the switch's item, which AWS (ReturnValuesOnConditionCheckFailure ALL_OLD) and moto always return (the paused re-check there reads none)",
    ['endpointTracker/StateTable: dynamodb:GetItem'],
  ),
};

function group(name: string, reason: string, grants: string[]): Record<string, { group: string; reason: string }> {
  return Object.fromEntries(grants.map((g) => [g, { group: name, reason }]));
}

/**
 * The bound's verdict on the grants no recorded call needs: `unrecorded` (the bundle can call
 * them), `unreachable` (it cannot). Stale entries of UNRECORDED are only judged on a whole run: a
 * filtered run leaves most grants unrecorded anyway.
 */
export function unrecordedFailures(
  unrecorded: readonly string[],
  unreachable: readonly string[],
  wholeRun: boolean,
  listed: Record<string, unknown> = UNRECORDED,
): string[] {
  const failures = [
    ...unreachable.map((g) => `${g}: no recorded call needs it and no bundled code can call it (remove it)`),
    ...unrecorded
      .filter((g) => !(g in listed))
      .map((g) => `${g}: no recorded call needs it (drive it in a test, or list it in UNRECORDED with why not)`),
  ];
  if (wholeRun)
    for (const g of Object.keys(listed))
      if (!unrecorded.includes(g))
        failures.push(`${g}: listed in UNRECORDED but a recorded call needs it (or it is no grant): unlist it`);
  return failures;
}

export type FileRecord = {
  testFile: string;
  counts: { recorded: number; attributed: number; evaluations: number };
  policies: Policy[];
  calls: Array<{ policy: number; fn: string; auth: AuthorizedCall; call: string }>;
};

export function readRecords(dir: string): FileRecord[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as FileRecord),
    );
}

export type Bound = {
  recordedCalls: number;
  attributedCalls: number;
  evaluations: number;
  perFunction: Record<string, { evaluations: number; distinctPairs: number; policies: number }>;
  distinctPairs: number;
  statementsChecked: number;
  actionsChecked: number;
  deletionsEvaluated: number;
  /** Grants no recorded call needs and no exemption explains. */
  unneeded: Grant[];
  exempted: Grant[];
};

type Statement = { Sid?: string; Action: string | string[] };
/** One action of one statement of a function's role; `action` is undefined for a function with no call. */
export type Grant = { fn: string; sid: string; action?: string };
export const grantName = (g: Grant) => `${g.fn}/${g.sid}${g.action ? `: ${g.action}` : ''}`;

export async function upperBound(records: FileRecord[]): Promise<Bound> {
  const roles = new Map(functionsOfStack().map((f) => [f.key, f.role]));
  // (policy, function) → its distinct authorizations.
  const groups = new Map<string, { policy: Policy; fn: string; auths: Map<string, AuthorizedCall> }>();
  const perFunction: Bound['perFunction'] = {};
  const pairs = new Set<string>();
  let evaluations = 0;
  for (const r of records)
    for (const c of r.calls) {
      const policy = r.policies[c.policy]!;
      const key = `${JSON.stringify(policy)}\u0000${c.fn}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { policy, fn: c.fn, auths: new Map() }));
      g.auths.set(JSON.stringify(c.auth), c.auth);
      evaluations += 1;
      const f = (perFunction[c.fn] ??= { evaluations: 0, distinctPairs: 0, policies: 0 });
      f.evaluations += 1;
      pairs.add(`${c.fn}\u0000${c.auth.action}\u0000${c.auth.resource}`);
    }
  for (const p of pairs) perFunction[p.split('\u0000')[0]!]!.distinctPairs += 1;
  for (const g of groups.values()) perFunction[g.fn]!.policies += 1;

  // Every (function, Sid, action) of any role a recorded policy gives, and whether some call needs it.
  const needed = new Map<string, { grant: Grant; need: boolean }>();
  let deletions = 0;
  let groupIndex = 0;
  for (const g of groups.values()) {
    groupIndex += 1;
    const role = roles.get(g.fn)!;
    const policies = rolePolicies(g.policy, role);
    const statements = policies[0]!.policy.Statement as Statement[];
    for (const [i, s] of statements.entries()) {
      const actions = ([] as string[]).concat(s.Action);
      for (const action of actions) {
        const id = `${g.fn}/${s.Sid}: ${action}`;
        if (needed.get(id)?.need) continue;
        const reduced = withoutStatement(policies, i, actions.length > 1 ? action : undefined);
        let need = false;
        for (const auth of g.auths.values()) {
          if (auth.action !== action) continue;
          deletions += 1;
          if ((await decide(reduced, auth, `bound:${groupIndex}:${role}:${i}:${action}`)) !== 'Allowed') {
            need = true;
            break;
          }
        }
        needed.set(id, { grant: { fn: g.fn, sid: s.Sid ?? `#${i}`, action }, need });
      }
    }
  }
  // Functions no recorded call was attributed to: every statement of their role is unshown.
  for (const f of functionsOfStack())
    if (![...groups.values()].some((g) => g.fn === f.key))
      needed.set(f.key, { grant: { fn: f.key, sid: '(no recorded call)' }, need: false });

  const unshown = [...needed.values()].filter((n) => !n.need).map((n) => n.grant);
  const byName = (a: Grant, b: Grant) => grantName(a).localeCompare(grantName(b));
  return {
    recordedCalls: records.reduce((n, r) => n + r.counts.recorded, 0),
    attributedCalls: records.reduce((n, r) => n + r.counts.attributed, 0),
    evaluations,
    perFunction,
    distinctPairs: pairs.size,
    statementsChecked: new Set([...needed.values()].map((n) => `${n.grant.fn}/${n.grant.sid}`)).size,
    actionsChecked: needed.size,
    deletionsEvaluated: deletions,
    unneeded: unshown.filter((g) => !EXEMPT[g.sid]).sort(byName),
    exempted: unshown.filter((g) => EXEMPT[g.sid]).sort(byName),
  };
}
