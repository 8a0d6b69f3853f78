import { AssertionError } from 'node:assert';

/**
 * The outcome of an invariant: it holds, or it names each violation with ordinals, moments and
 * what was expected. `checked` says what was examined, so a reader can see the check was not
 * vacuous ("3 creations in the window").
 */
export type Verdict =
  | { readonly invariant: string; readonly holds: true; readonly checked: string }
  | {
      readonly invariant: string;
      readonly holds: false;
      readonly checked: string;
      readonly violations: readonly string[];
    };

export function verdict(invariant: string, checked: string, violations: readonly string[]): Verdict {
  return violations.length === 0
    ? { invariant, holds: true, checked }
    : { invariant, holds: false, checked, violations };
}

/** Throws an AssertionError (a failed test, not a broken one) listing the violations. */
export function assertHolds(result: Verdict, subject: string): void {
  if (result.holds) return;
  throw new AssertionError({
    message: `${result.invariant} violated for ${subject} (${result.checked}):\n${result.violations.map((violation) => `  - ${violation}`).join('\n')}`,
  });
}

/** Throws unless the invariant reported a violation: the negative controls' assertion. */
export function assertViolated(result: Verdict, subject: string): void {
  if (!result.holds) return;
  throw new AssertionError({
    message: `${result.invariant} held for ${subject} (${result.checked}), but this negative control must make it report a violation`,
  });
}
