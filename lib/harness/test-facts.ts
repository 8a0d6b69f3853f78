import type { TaskMeta } from 'vitest';
import type { Verdict, ViolationKind } from '../invariants/verdict.js';
import {
  figuresOfFacts,
  type FigureResult,
  type NoteResult,
  type StepTiming,
  type VerdictResult,
} from '../results/schema.js';

/**
 * What one test did, as data for out/results.json: the verdicts it asserted, its steps' wall
 * times, its notes and figures. Kept in the test's vitest `meta`, which vitest hands from the
 * worker to the reporters when the test is over (fixture teardown included), so the results
 * reporter (results-reporter.ts) gets it with the test's final outcome, whatever the worker.
 */
export interface TestFacts {
  verdicts: VerdictResult[];
  steps: StepTiming[];
  notes: NoteResult[];
  figures: FigureResult[];
  waitingMs?: number;
}

declare module 'vitest' {
  interface TaskMeta {
    conformance?: TestFacts;
    /** Set by scenario.requires: the scenario does not apply to this cluster, and why. */
    notApplicable?: string;
  }
}

export function testFacts(meta: TaskMeta): TestFacts {
  meta.conformance ??= { verdicts: [], steps: [], notes: [], figures: [] };
  return meta.conformance;
}

/** A verdict and what the test expected of it: to hold, or (a negative control) to report these kinds. */
export function verdictResult(
  verdict: Verdict,
  expected: 'holds' | readonly ViolationKind[],
  when: VerdictResult['when'] = 'asserted',
): VerdictResult {
  const reported = [...new Set(verdict.violations.map((violation) => violation.kind))];
  const met =
    expected === 'holds'
      ? verdict.holds
      : verdict.outcome === 'violated' && expected.length > 0 && expected.every((kind) => reported.includes(kind));
  return {
    invariant: verdict.invariant,
    outcome: verdict.outcome,
    expected: expected === 'holds' ? 'holds' : [...expected],
    reported,
    met,
    checked: verdict.checked,
    when,
  };
}

/** A note, and its facts that are numbers as figures. */
export function recordNote(facts: TestFacts, title: string, noteFacts: Readonly<Record<string, string>>): void {
  facts.notes.push({ title, facts: { ...noteFacts } });
  facts.figures.push(...figuresOfFacts(noteFacts));
}

/** Times a step (nested steps one level deeper) into `facts.steps`, in the order they started. */
export async function timedStep<T>(facts: TestFacts, title: string, body: () => PromiseLike<T>): Promise<T> {
  const entry = { title, depth: openSteps.get(facts) ?? 0, ms: 0, failed: false };
  facts.steps.push(entry);
  openSteps.set(facts, entry.depth + 1);
  const started = Date.now();
  try {
    return await body();
  } catch (error) {
    entry.failed = true;
    throw error;
  } finally {
    entry.ms = Date.now() - started;
    openSteps.set(facts, entry.depth);
  }
}

const openSteps = new WeakMap<TestFacts, number>();
