import type { Verdict } from '../../lib/invariants/verdict.js';

/**
 * Several verdicts as one, for a guide statement that needs them all (the same claim and volume,
 * and the rows): inconclusive if any is, violated if any is, else holds.
 */
export function allOf(verdicts: readonly Verdict[]): Verdict {
  const outcome = verdicts.some((verdict) => verdict.outcome === 'inconclusive')
    ? 'inconclusive'
    : verdicts.some((verdict) => verdict.outcome === 'violated')
      ? 'violated'
      : 'holds';
  return {
    invariant: verdicts.map((verdict) => verdict.invariant).join(' + '),
    outcome,
    holds: outcome === 'holds',
    checked: verdicts.map((verdict) => verdict.checked).join('; '),
    violations: verdicts.flatMap((verdict) => verdict.violations),
    unobserved: verdicts.flatMap((verdict) => verdict.unobserved),
  };
}
