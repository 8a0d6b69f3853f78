import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toolchainCacheKey } from './cache.js';
import { componentImages, nodeImage } from './images.js';
import { KNOWN_VERSIONS, pins } from './pins.js';
import { stepsToRebuild, UnknownStepError } from './prepare.js';
import { kubernetesRelease, stagingVersion } from './toolchain.js';
import type { HostFacts } from './host.js';

const host = { canLowerOomScoreAdj: true } as HostFacts;

describe('one set of Kubernetes steps per version', () => {
  it('names each step after its version and gives the same objects each time', () => {
    const release = kubernetesRelease('v1.33.13');
    expect([release.kubernetes, release.etcd, release.coredns, release.pause].map((step) => step.name)).toEqual([
      'kubernetes@v1.33.13',
      'etcd@v1.33.13',
      'coredns@v1.33.13',
      'pause@v1.33.13',
    ]);
    expect(kubernetesRelease('v1.33.13')).toBe(release);
    expect(kubernetesRelease().version).toBe(pins.kubernetes);
    expect(nodeImage(host, release).name).toBe('node-image@v1.33.13');
    expect(nodeImage(host, release)).toBe(nodeImage(host, kubernetesRelease('v1.33.13')));
    expect(nodeImage(host, release).needs).toContain(componentImages(release));
    expect(nodeImage(host, release).needs).toContain(release.kubernetes);
  });

  it('shares the base image between versions', () => {
    const [base133] = nodeImage(host, kubernetesRelease('v1.33.13')).needs;
    const [base134] = nodeImage(host, kubernetesRelease('v1.34.10')).needs;
    expect(base133).toBe(base134);
  });

  it('finds the staging modules at v0.MINOR.PATCH', () => {
    expect(stagingVersion('v1.33.13')).toBe('v0.33.13');
    expect(() => stagingVersion('v1.33')).toThrow('v1.33 is not a Kubernetes release version');
    expect(KNOWN_VERSIONS).toContain(pins.kubernetes);
  });
});

describe('--rebuild', () => {
  const known = ['kind', 'kubernetes@v1.33.13', 'kubernetes@v1.34.10', 'node-image@v1.33.13'];

  it('takes a step of one version, or of every version by its plain name', () => {
    expect(stepsToRebuild(known, new Set(['kubernetes']))).toEqual(
      new Set(['kubernetes@v1.33.13', 'kubernetes@v1.34.10']),
    );
    expect(stepsToRebuild(known, new Set(['node-image@v1.33.13', 'kind']))).toEqual(
      new Set(['kind', 'node-image@v1.33.13']),
    );
    expect(stepsToRebuild(known, 'all')).toBe('all');
  });

  it('lists the steps when a name is unknown', () => {
    expect(() => stepsToRebuild(known, new Set(['kubelet']))).toThrow(UnknownStepError);
    expect(() => stepsToRebuild(known, new Set(['kubelet']))).toThrow('steps are: all, kind, kubernetes, node-image');
  });
});

describe('the CI cache key', () => {
  it('names platform and versions, and changes with a recipe but not with a test', () => {
    const recipes = mkdtempSync(join(tmpdir(), 'recipes-'));
    writeFileSync(join(recipes, 'toolchain.ts'), 'one');
    mkdirSync(join(recipes, 'testdata'));
    const key = toolchainCacheKey(['v1.34.10', 'v1.33.13'], recipes);
    expect(key).toMatch(
      new RegExp(`^sts-toolchain-${process.platform}-${process.arch}-v1\\.33\\.13\\+v1\\.34\\.10-[0-9a-f]{16}$`),
    );
    writeFileSync(join(recipes, 'toolchain.test.ts'), 'a test');
    writeFileSync(join(recipes, 'testdata', 'x'), 'data');
    expect(toolchainCacheKey(['v1.33.13', 'v1.34.10'], recipes)).toBe(key);
    writeFileSync(join(recipes, 'toolchain.ts'), 'two');
    expect(toolchainCacheKey(['v1.33.13', 'v1.34.10'], recipes)).not.toBe(key);
  });
});
