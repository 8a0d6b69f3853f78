import { AssertionError } from 'node:assert';
import { describeViolations, type Verdict, type ViolationKind } from '../invariants/verdict.js';
import type { Timeline } from '../observe/timeline.js';

/**
 * An invariant a scenario declares before it acts: judged at the end, and also when a step fails
 * halfway, so the failure leads with what the recorded timeline already shows ("web-2 created
 * before web-1 was Ready") rather than only the wait that gave up.
 */
export interface Judge {
  readonly statefulSet: string;
  readonly title: string;
  /** undefined: it must hold; a list: a negative control that must produce these kinds. */
  readonly expectedKinds?: readonly ViolationKind[];
  judge(timeline: Timeline): Verdict;
}

/** The declared judges' verdicts on the timeline so far, as the first lines of a failure message. */
export function verdictsSoFar(results: ReadonlyArray<{ judge: Judge; verdict: Verdict }>): string {
  const lines: string[] = [];
  for (const { judge, verdict } of results) {
    if (judge.expectedKinds) {
      const kinds = [...new Set(verdict.violations.map((violation) => violation.kind))];
      lines.push(
        `${verdict.invariant} (negative control, expects ${judge.expectedKinds.join(', ')}): so far ${verdict.outcome}${kinds.length > 0 ? ` with ${kinds.join(', ')}` : ''}`,
      );
    } else if (!verdict.holds) {
      lines.push(
        `${verdict.invariant} ${verdict.outcome} so far (${verdict.checked}):\n${describeViolations(verdict)}`,
      );
    } else {
      lines.push(`${verdict.invariant} holds so far (${verdict.checked})`);
    }
  }
  return lines.join('\n');
}

/** A step that failed, with the verdicts of what was recorded up to that moment leading. */
export function stepFailure(title: string, cause: unknown, soFar: string): Error {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const message = soFar
    ? `step "${title}" failed. What the recorded timeline shows up to this moment:\n${soFar}\nThe step gave up: ${reason}`
    : `step "${title}" failed: ${reason}`;
  const error = cause instanceof AssertionError ? new AssertionError({ message }) : new Error(message, { cause });
  if (cause instanceof Error && cause.stack) error.stack = `${message}\n${cause.stack.split('\n').slice(1).join('\n')}`;
  return error;
}
