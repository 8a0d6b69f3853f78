import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KNOWN_VERSIONS } from '../lib/toolchain/pins.js';

interface Workflow {
  env: Record<string, string | number>;
  jobs: Record<
    string,
    {
      strategy?: { matrix: { kubernetes?: string[]; shard?: number[]; include?: { from: string; to: string }[] } };
      steps: Step[];
    }
  >;
}
interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}

const workflow = parse(readFileSync('.github/workflows/nightly.yml', 'utf8')) as Workflow;
const conformance = workflow.jobs.conformance;
const report = workflow.jobs.report;
const upgrade = workflow.jobs.upgrade;

describe('the nightly workflow', () => {
  it('runs the versions that build offline, each in shards 1..SHARDS', () => {
    const matrix = conformance?.strategy?.matrix;
    expect(matrix?.kubernetes).toEqual([...KNOWN_VERSIONS]);
    expect(matrix?.shard).toEqual(Array.from({ length: Number(workflow.env.SHARDS) }, (_, index) => index + 1));
  });

  it('runs the stages of .ci/nightly, so other CI systems run the same', () => {
    const runs = [...(conformance?.steps ?? []), ...(report?.steps ?? []), ...(upgrade?.steps ?? [])]
      .map((step) => step.run ?? '')
      .join('\n');
    for (const stage of ['cache-key', 'prepare', 'shard', 'summary', 'merge', 'upgrade'])
      expect(runs).toContain(`.ci/nightly ${stage}`);
  });

  it("uploads each shard under a name the report job downloads, and the night's results under the name the next night asks for", () => {
    const upload = conformance?.steps.find((step) => step.uses?.startsWith('actions/upload-artifact'));
    const download = report?.steps.find((step) => step.uses?.startsWith('actions/download-artifact'));
    expect(upload?.with?.name).toMatch(/^results-/);
    expect(download?.with?.pattern).toBe('results-*');
    const nightly = report?.steps.find((step) => step.uses?.startsWith('actions/upload-artifact'));
    const previous = report?.steps.find((step) => step.run?.includes('gh run download'));
    expect(previous?.run).toContain(`--name ${nightly?.with?.name}`);
  });

  it('checks the upgrade from the oldest known version to the newest, one minor apart', () => {
    const pairs = upgrade?.strategy?.matrix.include ?? [];
    expect(pairs).toEqual([{ from: KNOWN_VERSIONS[0], to: KNOWN_VERSIONS.at(-1) }]);
    const minor = (version: string) => Number(version.split('.')[1]);
    for (const pair of pairs) expect(minor(pair.to) - minor(pair.from)).toBe(1);
  });
});
