/**
 * Why a run the controller started failed, in words a person can act on: where it failed (the
 * stage and action, the step, the phase), the service's own message, and a classification of
 * the common causes with what to do about each. Pure: the adapters read the facts.
 */

/** What a target's service says about a failed run (functions/ports/run-failures.ts). */
export interface FailureFacts {
  /** Where it failed, as the service names it: `stage Train, action TrainModel`, `step Train (Training)`. */
  failedAt?: string;
  /** The service's failure message, verbatim. */
  message?: string;
  /** Why the facts are incomplete (a read failed or found nothing), when they are. */
  unread?: string;
}

export type FailureCause =
  'access denied' | 'quota or capacity' | 'out of memory' | 'timeout' | 'syntax or configuration' | 'unclassified';

export interface FailureExplanation {
  cause: FailureCause;
  hint: string;
  /** One paragraph for the decision and its notification (≤ MAX_TEXT characters). */
  text: string;
}

/** A notification and a decision reason stay readable; messages past this are cut. */
export const MAX_MESSAGE = 600;
export const MAX_TEXT = 1000;

/**
 * Checked in order, first match wins: a quota message often says "invalid" too, and an access
 * message may name a missing resource, so the specific causes come before the general one.
 */
const CAUSES: ReadonlyArray<{ cause: Exclude<FailureCause, 'unclassified'>; pattern: RegExp; hint: string }> = [
  {
    cause: 'access denied',
    pattern:
      /AccessDenied|not authorized to perform|is not authorized|UnauthorizedOperation|Forbidden|\b403\b|permissions? (?:is |are )?(?:missing|insufficient)|insufficient permissions|no identity-based policy allows/i,
    hint: 'the role named in the message lacks that permission: add the action (and resource) to the role the pipeline, job or build runs as, or to the resource policy that denies it',
  },
  {
    cause: 'quota or capacity',
    pattern:
      /ResourceLimitExceeded|LimitExceeded|service limit|quota|InsufficientInstanceCapacity|InsufficientCapacity|CapacityError|insufficient capacity|ThrottlingException|Rate exceeded|too many concurrent|AccountLimitExceeded/i,
    hint: "an account limit or the region's capacity stopped it: request an increase in Service Quotas for the named resource, choose another instance type, or retry later",
  },
  {
    cause: 'out of memory',
    pattern:
      /out of memory|with more memory|OutOfMemory|\bOOM\b|MemoryError|Cannot allocate memory|exit (?:code|status):? 137|exited with code 137|signal 9|\bKilled\b|memory limit|std::bad_alloc/i,
    hint: 'the job ran out of memory: choose an instance type with more memory, or lower the batch size or the data loaded per instance',
  },
  {
    cause: 'timeout',
    pattern:
      /timed? ?out|timeout|MaxRuntimeInSeconds|MaxRuntimeExceeded|stopping condition|deadline exceeded|exceeded the maximum (?:run|execution) ?time/i,
    hint: 'it ran longer than allowed: raise the limit (MaxRuntimeInSeconds, the action or build timeout) or make the job shorter; check it did not hang waiting on a resource',
  },
  {
    cause: 'syntax or configuration',
    pattern:
      /ValidationException|ValidationError|invalid|malformed|syntax|YAML_FILE_ERROR|parse error|failed to parse|unexpected token|does not exist|not found|NoSuchKey|NoSuchBucket|Unknown parameter|missing required|KeyError|ModuleNotFoundError|ImportError|No module named|ClientError|COMMAND_EXECUTION_ERROR/i,
    hint: 'the pipeline definition, its parameters or the code it runs is wrong: fix the file, parameter or resource the message names, and check the manifest variable reaches the step that reads it',
  },
];

export function classifyFailure(message: string | undefined): { cause: FailureCause; hint: string } {
  const found = message ? CAUSES.find((c) => c.pattern.test(message)) : undefined;
  if (found) return { cause: found.cause, hint: found.hint };
  return {
    cause: 'unclassified',
    hint: message
      ? 'no common cause recognised in the message: open the run in its console (execution id above) for the full log'
      : 'the service gave no failure message: open the run in its console (execution id above) for the full log',
  };
}

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();
const cut = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
/** A traceback ends with its error: a long message keeps its head and, mostly, its tail. */
const ends = (text: string, max: number): string =>
  text.length <= max
    ? text
    : `${text.slice(0, Math.floor(max / 3))} … ${text.slice(text.length - Math.ceil((2 * max) / 3) + 3)}`;

/** The explanation of a failed run: one per failure, the same words for decision and notification. */
export function explainFailure(target: string, executionId: string, facts: FailureFacts): FailureExplanation {
  const whole = facts.message ? oneLine(facts.message) : undefined;
  // Classified on the whole message: the words that name the cause may be in the part cut out.
  const { cause, hint } = classifyFailure(whole);
  const message = whole ? ends(whole, MAX_MESSAGE) : undefined;
  const parts = [
    `${target} run ${executionId} failed${facts.failedAt ? ` at ${facts.failedAt}` : ''}`,
    message ? `: ${message}` : '',
    `. Likely cause: ${cause}; ${hint}.`,
    facts.unread ? ` (${facts.unread})` : '',
  ];
  return { cause, hint, text: cut(parts.join(''), MAX_TEXT) };
}
