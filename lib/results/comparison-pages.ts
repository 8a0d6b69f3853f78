import { createHash, randomUUID } from 'node:crypto';
import type { Comparison, TestChange, TimingShift } from './compare.js';

/**
 * The comparison as pages of the HTML report (`npm run report`), the way the ledger adds its
 * pages (lib/claims/publish.ts): Allure results under the epic "Changes from A to B", one per
 * change, so the report's tree, filters and counts work on them, and one overview page with the
 * whole comparison. A regression is "failed", a slowdown beyond noise "broken", anything else
 * "passed". Their fullName starts with "comparison:" so a merge can leave them out.
 */
export const COMPARISON_PAGE_PREFIX = 'comparison:';

export function comparisonPages(comparison: Comparison, markdown: string, at = Date.now()): Record<string, unknown>[] {
  const { a, b } = comparison;
  // One report can hold the comparisons of several versions: each has its own epic and histories.
  const versions = a.serverVersion === b.serverVersion ? a.serverVersion : `${a.serverVersion} to ${b.serverVersion}`;
  const named = `${a.label} ${b.label}`.includes(a.serverVersion) && `${a.label} ${b.label}`.includes(b.serverVersion);
  const epic = `Changes from ${a.label} to ${b.label}${named ? '' : ` (Kubernetes ${versions})`}`;
  const scope = `${a.label}:${a.serverVersion}>${b.label}:${b.serverVersion}:`;
  const page = (
    key: string,
    feature: string,
    name: string,
    status: 'passed' | 'failed' | 'broken',
    description: string,
  ): Record<string, unknown> => ({
    uuid: randomUUID(),
    historyId: createHash('md5').update(`${COMPARISON_PAGE_PREFIX}${scope}${key}`).digest('hex'),
    name,
    fullName: `${COMPARISON_PAGE_PREFIX}${scope}${key}`,
    status,
    statusDetails: { message: name },
    stage: 'finished',
    description,
    labels: [
      { name: 'epic', value: epic },
      { name: 'feature', value: feature },
    ],
    parameters: [],
    steps: [],
    attachments: [],
    start: at,
    stop: at,
  });
  const status = (change: TestChange) => (change.kind === 'regressed' ? 'failed' : 'passed');
  const changeText = (change: TestChange) =>
    [
      `**${change.scenario}**: ${change.test}`,
      '',
      `- ${comparison.a.label}: ${change.before}`,
      `- ${comparison.b.label}: ${change.after}`,
    ].join('\n');
  const shiftText = (shift: TimingShift) =>
    `**${shift.scenario}**: ${shift.test}\n\n${shift.what}: ${(shift.beforeMs / 1000).toFixed(1)} s in ${comparison.a.label}, ${(shift.afterMs / 1000).toFixed(1)} s in ${comparison.b.label}`;

  const overall = comparison.regressed.verdicts ? 'failed' : comparison.regressed.timings ? 'broken' : 'passed';
  return [
    page(
      'overview',
      'Overview',
      `${epic}: ${overall === 'passed' ? 'nothing regressed' : overall === 'failed' ? 'regressed' : 'slower beyond noise'}`,
      overall,
      markdown,
    ),
    ...comparison.verdicts.map((change) =>
      page(
        `verdict:${change.id}`,
        'Outcomes and verdicts',
        `${change.kind}: ${change.scenario}: ${change.test}`,
        status(change),
        changeText(change),
      ),
    ),
    ...comparison.applicability.map((change) =>
      page(
        `applicability:${change.id}`,
        'Not applicable on one side',
        `${change.scenario}: ${change.test}`,
        status(change),
        changeText(change),
      ),
    ),
    ...comparison.timings.map((shift) =>
      page(
        `timing:${shift.id}:${shift.what}`,
        'Timing shifts beyond noise',
        `${shift.kind}: ${shift.scenario}: ${shift.what}`,
        shift.kind === 'slower' && comparison.timingsComparable.comparable ? 'broken' : 'passed',
        shiftText(shift),
      ),
    ),
    ...comparison.cluster.map((change) =>
      page(
        `cluster:${change.what}`,
        'Cluster: versions, gates and images',
        `${change.what}: ${change.before} → ${change.after}`,
        'passed',
        change.kind === 'set'
          ? `${change.what}\n\n- only in ${comparison.a.label}: ${change.before}\n- only in ${comparison.b.label}: ${change.after}`
          : `${change.what}: ${change.before} in ${comparison.a.label}, ${change.after} in ${comparison.b.label}`,
      ),
    ),
  ];
}
