import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cacheLayout } from './cache.js';
import { Pipeline, StepFailedError, type PipelineReporter, type Step } from './pipeline.js';

const quiet: PipelineReporter = { started: () => {}, progress: () => {}, finished: () => {}, failed: () => {} };
const recipe = [fileURLToPath(import.meta.url)];

function newCache() {
  return cacheLayout(mkdtempSync(join(tmpdir(), 'pipeline-test-')));
}

/** A step that counts its builds and writes one file; `present` stands for a Docker image outside the cache. */
function countingStep(
  name: string,
  needs: Step<unknown>[] = [],
  options: { fingerprint?: () => unknown; fail?: () => boolean; present?: { value: boolean } } = {},
) {
  const counter = { builds: 0 };
  const step: Step<{ file: string }> = {
    name,
    title: `test step ${name}`,
    resource: 'io',
    needs,
    recipeFiles: recipe,
    fingerprint: options.fingerprint ?? (() => ({})),
    async build(context) {
      counter.builds++;
      await context.run('sh', ['-c', `echo building ${name}`]);
      if (options.fail?.()) throw new Error(`${name} broke`);
      writeFileSync(join(context.outDir, 'out.txt'), name);
      if (options.present) options.present.value = true;
      return { file: 'out.txt' };
    },
    stillPresent: options.present ? async () => Boolean(options.present?.value) : undefined,
  };
  return { step, counter };
}

describe('Pipeline', () => {
  it('builds once, then finds the output in the cache', async () => {
    const cache = newCache();
    const { step, counter } = countingStep('a');
    const first = await new Pipeline({ cache, rebuild: new Set(), reporter: quiet }).resolve(step);
    const second = await new Pipeline({ cache, rebuild: new Set(), reporter: quiet }).resolve(step);
    expect(counter.builds).toBe(1);
    expect(first.cached).toBe(false);
    expect(second).toMatchObject({ cached: true, key: first.key, dir: first.dir });
    expect(existsSync(join(second.dir, 'out.txt'))).toBe(true);
  });

  it('rebuilds when the fingerprint changes, under a new key', async () => {
    const cache = newCache();
    let version = 'v1';
    const { step, counter } = countingStep('a', [], { fingerprint: () => ({ version }) });
    const first = await new Pipeline({ cache, rebuild: new Set(), reporter: quiet }).resolve(step);
    version = 'v2';
    const second = await new Pipeline({ cache, rebuild: new Set(), reporter: quiet }).resolve(step);
    expect(counter.builds).toBe(2);
    expect(second.key).not.toBe(first.key);
  });

  it('never leaves a failed step looking complete, and names its log', async () => {
    const cache = newCache();
    let broken = true;
    const { step } = countingStep('a', [], { fail: () => broken });
    const failure = await new Pipeline({ cache, rebuild: new Set(), reporter: quiet })
      .resolve(step)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StepFailedError);
    expect(String((failure as Error).message)).toMatch(/^step a failed after .*: a broke; read .*a\.log$/);
    expect(readdirSync(join(cache.artifacts, 'a'))).toEqual([]);
    broken = false;
    expect((await new Pipeline({ cache, rebuild: new Set(), reporter: quiet }).resolve(step)).cached).toBe(false);
  });

  it('--rebuild forces the step and everything that depends on it, not what it depends on', async () => {
    const cache = newCache();
    const base = countingStep('base');
    const middle = countingStep('middle', [base.step]);
    const top = countingStep('top', [middle.step]);
    await new Pipeline({ cache, rebuild: new Set(), reporter: quiet }).resolve(top.step);
    await new Pipeline({ cache, rebuild: new Set(['middle']), reporter: quiet }).resolve(top.step);
    expect([base.counter.builds, middle.counter.builds, top.counter.builds]).toEqual([1, 2, 2]);
  });

  it('rebuilds a vanished outside output only when a dependent has to build', async () => {
    const cache = newCache();
    const image = { value: false };
    let topVersion = 'v1';
    const base = countingStep('base-image', [], { present: image });
    const top = countingStep('node-image', [base.step], { fingerprint: () => ({ topVersion }) });
    await new Pipeline({ cache, rebuild: new Set(), reporter: quiet }).resolve(top.step);

    image.value = false; // the Docker engine lost the image
    await new Pipeline({ cache, rebuild: new Set(), reporter: quiet }).resolve(top.step);
    expect(base.counter.builds).toBe(1); // the cached node image does not need it

    topVersion = 'v2'; // now the node image must be rebuilt, from a base image that exists
    await new Pipeline({ cache, rebuild: new Set(), reporter: quiet }).resolve(top.step);
    expect([base.counter.builds, top.counter.builds, image.value]).toEqual([2, 2, true]);
  });
});
