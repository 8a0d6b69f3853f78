import {
  comparisonExitCode,
  describeOutcome,
  describeVerdict,
  type Comparison,
  type TestChange,
  type TimingShift,
} from './compare.js';
import { describeShard, missingShards } from './merge.js';
import { describeRun, type RunResults } from './schema.js';

/**
 * The comparison and a run's summary as Markdown: for a terminal, a pull request, a CI job
 * summary ($GITHUB_STEP_SUMMARY) and the HTML report's comparison page.
 */

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
const MARK: Record<TestChange['kind'], string> = {
  regressed: '❌ regressed',
  improved: '✅ improved',
  changed: 'changed',
};

export function renderComparisonMarkdown(comparison: Comparison): string {
  const { a, b, noise } = comparison;
  const lines: string[] = [];
  const verdict = comparison.regressed.verdicts
    ? '**Regressed**: a test fails that did not fail before, or did not run'
    : comparison.regressed.timings
      ? '**Slower beyond noise**, no verdict regressed'
      : '**Nothing regressed**';
  const load = comparison.timingsComparable.loadPerCpu;
  lines.push(
    `## Changes from ${a.label} to ${b.label}`,
    '',
    `- ${a.label}: Kubernetes ${a.serverVersion}, run ${a.runIds.join(' + ')}, finished ${a.finishedAt}: ${counts(comparison.counts.a)}${load ? `; load average ${load[0]} per CPU` : ''}`,
    `- ${b.label}: Kubernetes ${b.serverVersion}, run ${b.runIds.join(' + ')}, finished ${b.finishedAt}: ${counts(comparison.counts.b)}${load ? `; load average ${load[1]} per CPU` : ''}`,
    '',
    `${verdict} (exit code ${comparisonExitCode(comparison)}).`,
    '',
  );

  lines.push(`### Outcomes and verdicts that changed (${comparison.verdicts.length})`, '');
  if (comparison.verdicts.length === 0) lines.push('None.', '');
  else lines.push(...changeTable(comparison.verdicts, a.label, b.label), '');

  lines.push(`### Not applicable on one side (${comparison.applicability.length})`, '');
  if (comparison.applicability.length === 0) lines.push('None.', '');
  else lines.push(...changeTable(comparison.applicability, a.label, b.label), '');

  lines.push(
    `### Timing shifts beyond noise (${comparison.timings.length})`,
    '',
    `Noise: a time counts as shifted when the longer is at least ${noise.factor}x the shorter and ${seconds(noise.absoluteMs)} longer; only tests that passed on both sides are timed.`,
    '',
  );
  if (!comparison.timingsComparable.comparable)
    lines.push(
      `**Not comparable**: the machines were not about as busy (load average per CPU ${load?.[0]} against ${load?.[1]}, more than ${noise.loadFactor}x apart), so these shifts say nothing about the cluster and none counts as a regression.`,
      '',
    );
  if (comparison.timings.length === 0) lines.push('None.', '');
  else lines.push(...timingTable(comparison.timings, a.label, b.label), '');

  if (comparison.figures.length > 0) {
    lines.push(`### Figures that changed (${comparison.figures.length})`, '');
    lines.push(`| scenario | test | figure | ${a.label} | ${b.label} |`, '|---|---|---|---|---|');
    for (const figure of comparison.figures)
      lines.push(
        `| ${cell(figure.scenario)} | ${cell(figure.test)} | ${cell(figure.name)}${figure.unit ? ` (${figure.unit})` : ''} | ${figure.before ?? '—'} | ${figure.after ?? '—'} |`,
      );
    lines.push('');
  }

  lines.push(`### Cluster: versions, gates and images (${comparison.cluster.length} changed)`, '');
  if (comparison.cluster.length === 0) lines.push('The same.', '');
  else {
    lines.push(`| what | ${a.label} | ${b.label} |`, '|---|---|---|');
    for (const change of comparison.cluster)
      lines.push(
        change.kind === 'set'
          ? `| ${cell(change.what)} | only here: ${cell(change.before)} | only here: ${cell(change.after)} |`
          : `| ${cell(change.what)} | ${cell(change.before)} | ${cell(change.after)} |`,
      );
    lines.push('');
  }
  return lines.join('\n');
}

function counts(outcomes: { passed: number; failed: number; skipped: number }): string {
  return `${outcomes.passed} passed, ${outcomes.failed} failed, ${outcomes.skipped} skipped`;
}

function changeTable(changes: readonly TestChange[], labelA: string, labelB: string): string[] {
  const order: Record<TestChange['kind'], number> = { regressed: 0, changed: 1, improved: 2 };
  return [
    `| | scenario | test | ${labelA} | ${labelB} |`,
    '|---|---|---|---|---|',
    ...[...changes]
      .sort((x, y) => order[x.kind] - order[y.kind] || x.id.localeCompare(y.id))
      .map(
        (change) =>
          `| ${MARK[change.kind]} | ${cell(change.scenario)} | ${cell(change.test)} | ${cell(change.before)} | ${cell(change.after)} |`,
      ),
  ];
}

function timingTable(shifts: readonly TimingShift[], labelA: string, labelB: string): string[] {
  return [
    `| | scenario | test | what | ${labelA} | ${labelB} | change |`,
    '|---|---|---|---|---|---|---|',
    ...[...shifts]
      .sort((x, y) => Math.abs(y.afterMs - y.beforeMs) - Math.abs(x.afterMs - x.beforeMs))
      .map((shift) => {
        const delta = shift.afterMs - shift.beforeMs;
        const relative =
          shift.beforeMs > 0 ? ` (${delta > 0 ? '+' : ''}${Math.round((100 * delta) / shift.beforeMs)}%)` : '';
        return `| ${shift.kind === 'slower' ? '🐢 slower' : '⚡ faster'} | ${cell(shift.scenario)} | ${cell(shift.test)} | ${cell(shift.what)} | ${seconds(shift.beforeMs)} | ${seconds(shift.afterMs)} | ${delta > 0 ? '+' : ''}${seconds(delta)}${relative} |`;
      }),
  ];
}

/**
 * One run at a glance, for a CI job summary: counts, and every failure named by scenario, test
 * and the verdict that failed (expected against reported kinds), else the step that gave up.
 */
export function renderRunSummary(results: RunResults, title = `Kubernetes ${results.cluster.serverVersion}`): string {
  const failed = results.tests.filter((test) => test.outcome === 'failed');
  const skipped = results.tests.filter((test) => test.outcome === 'skipped');
  const passed = results.tests.length - failed.length - skipped.length;
  const missing = missingShards(results);
  const lines = [
    `### ${failed.length > 0 || missing.length > 0 ? '❌' : '✅'} ${title}: ${passed} passed, ${failed.length} failed, ${skipped.length} skipped`,
    '',
    `Cluster ${describeRun(results)}${results.shards.length > 0 ? `, shards ${results.shards.map(describeShard).join(', ')}` : ''}; run ${results.runIds.join(' + ')}.`,
    '',
  ];
  if (missing.length > 0)
    lines.push(
      `**Missing shards: ${missing.map(describeShard).join(', ')}**: their jobs wrote no results (read their logs); their tests are not in this run.`,
      '',
    );
  if (failed.length > 0) {
    lines.push('| scenario | test | what failed |', '|---|---|---|');
    for (const test of failed) {
      const unmet = test.verdicts.filter((verdict) => !verdict.met);
      const what =
        unmet.length > 0
          ? unmet.map((verdict) => `verdict: ${describeVerdict(verdict)}`).join('<br>')
          : `${describeOutcome(test)}`;
      lines.push(`| ${cell(test.scenario)} | ${cell(test.name)} | ${cell(what)} |`);
    }
    lines.push('');
  }
  if (skipped.length > 0) {
    lines.push('<details><summary>skipped</summary>', '');
    for (const test of skipped) lines.push(`- ${test.scenario}: ${test.name}: ${test.skipReason ?? 'skipped'}`);
    lines.push('', '</details>', '');
  }
  return lines.join('\n');
}
