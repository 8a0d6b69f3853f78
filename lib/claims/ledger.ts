import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describeViolations, verdict as verdictOf, type Verdict } from '../invariants/verdict.js';

/**
 * The claims ledger: what the users' guides state as fact, each statement with an id, where it is
 * (guide file and line), the guide's own words, and the scenario that decides it. The source of
 * truth is data (fixtures/claims/<guide>.yaml) so a reviewer can check each quote against its guide;
 * a run only ever adds decisions (out/claims/), never a remembered verdict.
 */

/** What a run can say about a statement. */
export const CLAIM_VERDICTS = {
  holds: 'the cluster did what the guide says',
  'does-not-hold': 'the cluster did something else',
  partly: 'one part holds, another does not (the decision says which)',
  depends: 'holds on some Kubernetes versions or feature gates and not on others (the decision says which)',
  'not-run-here': 'this run could not decide it (the decision says why, e.g. it needs the official image)',
} as const;
export type ClaimVerdict = keyof typeof CLAIM_VERDICTS;

/** `testable`: a run can decide it. `advice`: opinion or recommendation, listed, never tested. */
export type ClaimNature = 'testable' | 'advice';

export interface Claim {
  readonly id: string;
  /** 1-based line of the guide where the quote starts. */
  readonly line: number;
  /** The guide's words, verbatim (a contiguous part of that line). */
  readonly quote: string;
  readonly nature: ClaimNature;
  /**
   * The test (`<file> > <test name>`) whose run decides it, or several when the statement has parts
   * that different tests exercise ("created, updated, and deleted in order"): each decides its part,
   * and the statement has a verdict only when every one of them decided. Absent for advice and for
   * statements no test covers yet.
   */
  readonly decidedBy?: string | readonly string[];
}

/** The tests that decide a statement, as listed in its decidedBy. */
export function decidersOf(claim: Claim): string[] {
  return claim.decidedBy === undefined
    ? []
    : typeof claim.decidedBy === 'string'
      ? [claim.decidedBy]
      : [...claim.decidedBy];
}

/** `<file> > <test name>`: the file never contains " > ", a test name may. */
export function splitDecider(decider: string): { file: string; test: string } {
  const at = decider.indexOf(' > ');
  return at < 0 ? { file: decider, test: '' } : { file: decider.slice(0, at), test: decider.slice(at + 3) };
}

export interface GuideLedger {
  /** File name of the guide in the guides directory. */
  readonly guide: string;
  /** The guide's title, as its first heading says. */
  readonly title: string;
  readonly claims: readonly Claim[];
}

export const CLAIMS_DIR = fileURLToPath(new URL('../../fixtures/claims/', import.meta.url));

/** The guides the suite reproduces live next to the repository (the users' documents, not ours). */
export function guidesDir(): string {
  return resolve(process.env.STS_GUIDES_DIR ?? fileURLToPath(new URL('../../../shared/seeds/', import.meta.url)));
}

export function loadLedger(dir: string = CLAIMS_DIR): GuideLedger[] {
  if (!existsSync(dir)) return [];
  // Several files may list statements of one guide (e.g. its database examples and its general
  // statements): they are one ledger per guide, in file order.
  const byGuide = new Map<string, GuideLedger>();
  for (const name of readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .sort()) {
    const data = parse(readFileSync(join(dir, name), 'utf8')) as GuideLedger;
    const known = byGuide.get(data.guide);
    byGuide.set(data.guide, {
      guide: data.guide,
      title: known?.title ?? data.title,
      claims: [...(known?.claims ?? []), ...(data.claims ?? [])],
    });
  }
  return [...byGuide.values()].sort((a, b) => a.guide.localeCompare(b.guide));
}

export function findClaim(
  ledger: readonly GuideLedger[],
  id: string,
): { guide: GuideLedger; claim: Claim } | undefined {
  for (const guide of ledger) {
    const claim = guide.claims.find((candidate) => candidate.id === id);
    if (claim) return { guide, claim };
  }
  return undefined;
}

/** How many lines a quote may wrap over (guides wrap long sentences, code comments continue with #). */
const QUOTE_LINES = 5;

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

/** A guide's text with whitespace runs squashed, and where each of its lines starts in it. */
interface SquashedGuide {
  readonly text: string;
  readonly starts: readonly number[];
  readonly lengths: readonly number[];
}

function squashGuide(lines: readonly string[]): SquashedGuide {
  let text = '';
  const starts: number[] = [];
  const lengths: number[] = [];
  for (const line of lines) {
    const squashed = squash(line);
    if (squashed && text) text += ' ';
    starts.push(text.length);
    lengths.push(squashed.length);
    text += squashed;
  }
  return { text, starts, lengths };
}

/**
 * Where a quote is in its guide (offsets in the squashed text, so that overlapping quotes can be
 * found): it must start on its line and end within QUOTE_LINES lines of it; undefined if not.
 */
function quoteSpan(guide: SquashedGuide, claim: Claim): { start: number; end: number } | undefined {
  const first = claim.line - 1;
  if (first < 0 || first >= guide.starts.length) return undefined;
  const quote = squash(claim.quote);
  const lineEnd = guide.starts[first]! + guide.lengths[first]!;
  const windowEnd = guide.starts[first + QUOTE_LINES] ?? guide.text.length;
  for (
    let at = guide.text.indexOf(quote, guide.starts[first]);
    at >= 0 && at < lineEnd;
    at = guide.text.indexOf(quote, at + 1)
  ) {
    if (at + quote.length <= windowEnd) return { start: at, end: at + quote.length };
  }
  return undefined;
}

/**
 * What is wrong with the ledger itself: duplicate ids, quotes that do not start at their line of
 * the guide, one passage of a guide listed twice (as can happen when files of several authors
 * meet), advice with a decider. Whitespace runs compare equal (guides wrap lines).
 */
export function ledgerProblems(ledger: readonly GuideLedger[], readGuide: (file: string) => string): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const guide of ledger) {
    let text: SquashedGuide;
    try {
      text = squashGuide(readGuide(guide.guide).split('\n'));
    } catch (error) {
      problems.push(`${guide.guide}: cannot read the guide (${(error as Error).message})`);
      continue;
    }
    const spans: Array<{ claim: Claim; start: number; end: number }> = [];
    for (const claim of guide.claims) {
      if (seen.has(claim.id)) problems.push(`${claim.id}: duplicate id`);
      seen.add(claim.id);
      const span = quoteSpan(text, claim);
      if (!span) problems.push(`${claim.id}: "${claim.quote}" is not at ${guide.guide}:${claim.line}`);
      else spans.push({ claim, ...span });
      if (claim.nature === 'advice' && claim.decidedBy)
        problems.push(`${claim.id}: advice is listed, never decided (drop decidedBy)`);
    }
    for (const [index, a] of spans.entries())
      for (const b of spans.slice(index + 1))
        if (a.start < b.end && b.start < a.end)
          problems.push(
            `${b.claim.id}: "${b.claim.quote}" (${guide.guide}:${b.claim.line}) overlaps ${a.claim.id} ("${a.claim.quote}", line ${a.claim.line}): one passage listed twice`,
          );
  }
  return problems;
}

/**
 * Deciders that name no test: each must be `<file> > <test name>` with the file in the repository
 * and the name written in it, so that `npm run repro` can replay it. `readTest` returns the text of
 * a repository file, or undefined if there is none.
 */
export function deciderProblems(
  ledger: readonly GuideLedger[],
  readFile: (path: string) => string | undefined,
): string[] {
  const problems: string[] = [];
  for (const guide of ledger)
    for (const claim of guide.claims)
      for (const decider of decidersOf(claim)) {
        const { file, test } = splitDecider(decider);
        const text = readFile(file);
        if (text === undefined) problems.push(`${claim.id}: decidedBy names ${file}, which does not exist`);
        else if (!test || !text.includes(test))
          problems.push(`${claim.id}: decidedBy names "${test}", which is no test name written in ${file}`);
      }
  return problems;
}

/** One run's decision on one statement: written by the scenario that observed it. */
export interface Decision {
  readonly claim: string;
  readonly verdict: ClaimVerdict;
  /** What the cluster did, in words, beside the guide's quote. */
  readonly observed: string;
  /** For partly: which part holds. For depends: on what. For not-run-here: why. */
  readonly qualifier?: string;
  /** The test that decided it, and its run. */
  readonly test: string;
  readonly runId: string;
  /** Names of the evidence attached to the test (timeline, command output). */
  readonly evidence?: readonly string[];
}

export function checkDecision(decision: Omit<Decision, 'test' | 'runId'>): void {
  if (!(decision.verdict in CLAIM_VERDICTS)) throw new Error(`unknown claim verdict ${decision.verdict}`);
  const needsQualifier = decision.verdict !== 'holds' && decision.verdict !== 'does-not-hold';
  if (needsQualifier && !decision.qualifier)
    throw new Error(
      `claim ${decision.claim}: a "${decision.verdict}" decision must say ${CLAIM_VERDICTS[decision.verdict]}`,
    );
}

/**
 * The usual way a scenario decides a behavioural statement: from an invariant's verdict. Holds
 * and violated map to holds and does-not-hold; an inconclusive verdict decides nothing and fails
 * the step, since a gap in the observation must never read as a verdict on the guide.
 */
export function decisionFromVerdict(
  claim: string,
  verdict: Verdict,
  observed: { holds: string; violated?: string },
): Omit<Decision, 'test' | 'runId'> {
  if (verdict.outcome === 'inconclusive')
    throw new Error(
      `claim ${claim}: ${verdict.invariant} is inconclusive, so the statement is not decided:\n${describeViolations(verdict)}`,
    );
  if (verdict.outcome === 'holds') return { claim, verdict: 'holds', observed: observed.holds };
  return {
    claim,
    verdict: 'does-not-hold',
    observed: `${observed.violated ?? verdict.invariant}: ${describeViolations(verdict)}`,
  };
}

/**
 * A statement decided by several verdicts of one scenario (a check before and after a pod was
 * recreated, one per ordinal): it holds only if every one held, and a violation of any decides it.
 * No verdict at all decides nothing.
 */
export function decisionFromVerdicts(
  claim: string,
  verdicts: readonly Verdict[],
  observed: { holds: string; violated?: string },
): Omit<Decision, 'test' | 'runId'> {
  if (verdicts.length === 0) throw new Error(`claim ${claim}: no verdict was given, so the statement is not decided`);
  if (verdicts.length === 1) return decisionFromVerdict(claim, verdicts[0]!, observed);
  const all = verdictOf(
    [...new Set(verdicts.map((one) => one.invariant))].join(' + '),
    verdicts.map((one) => one.checked).join('; '),
    verdicts.flatMap((one) => one.violations),
    verdicts.flatMap((one) => one.unobserved),
  );
  return decisionFromVerdict(claim, all, observed);
}
