import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describeViolations, type Verdict } from '../invariants/verdict.js';

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
  /** The test (file > test name) whose run decides it; absent for advice and for statements not yet covered. */
  readonly decidedBy?: string;
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

/**
 * What is wrong with the ledger itself: duplicate ids, quotes that are not at their line of the
 * guide, testable statements nobody decides. Whitespace runs compare equal (guides wrap lines).
 */
export function ledgerProblems(ledger: readonly GuideLedger[], readGuide: (file: string) => string): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
  for (const guide of ledger) {
    let lines: string[];
    try {
      lines = readGuide(guide.guide).split('\n');
    } catch (error) {
      problems.push(`${guide.guide}: cannot read the guide (${(error as Error).message})`);
      continue;
    }
    for (const claim of guide.claims) {
      if (seen.has(claim.id)) problems.push(`${claim.id}: duplicate id`);
      seen.add(claim.id);
      const from = lines.slice(claim.line - 1, claim.line + 4).join(' ');
      if (!squash(from).includes(squash(claim.quote)))
        problems.push(`${claim.id}: "${claim.quote}" is not at ${guide.guide}:${claim.line}`);
      if (claim.nature === 'advice' && claim.decidedBy)
        problems.push(`${claim.id}: advice is listed, never decided (drop decidedBy)`);
    }
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
