import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import {
  DEFAULT_CLUSTER_NAME,
  DEFAULT_CONCURRENCY,
  flagOf,
  kubectlKubeconfig,
  oneKubernetesVersion,
  readSettings,
  settingFlags,
  SETTINGS,
  type SettingName,
} from './settings.js';

/** Every setting there is. */
const ALL = Object.keys(SETTINGS) as SettingName[];

function read(args: string[], env: NodeJS.ProcessEnv = {}) {
  const { values } = parseArgs({ args, options: settingFlags(ALL), strict: true });
  return readSettings(ALL, { flags: values, env, usage: 'usage: test' });
}

function failure(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError');
}

describe('settings', () => {
  it('has one default for everything, the cluster name sts-e2e included', () => {
    expect(read([])).toEqual({
      kubeconfig: undefined,
      context: undefined,
      clusterName: DEFAULT_CLUSTER_NAME,
      workers: 0,
      featureGates: {},
      mode: 'auto',
      kubernetes: undefined,
      keepCluster: false,
      images: undefined,
      concurrency: DEFAULT_CONCURRENCY,
      shard: undefined,
      out: 'out',
    });
    expect(read([])).toHaveProperty('images', undefined);
    expect(read([], { STS_IMAGES: '/air-gapped' })).toMatchObject({ images: '/air-gapped' });
    expect(DEFAULT_CLUSTER_NAME).toBe('sts-e2e');
  });

  it('takes Kubernetes versions as v1.MINOR.PATCH, several separated by commas, and a cluster only one', () => {
    expect(read(['--kubernetes', 'v1.33.13,v1.34.10,v1.33.13'])).toMatchObject({
      kubernetes: ['v1.33.13', 'v1.34.10'],
    });
    expect(read([], { STS_KUBERNETES: 'v1.33.13' })).toMatchObject({ kubernetes: ['v1.33.13'] });
    expect(failure(() => read(['--kubernetes', '1.33'])).message).toBe(
      '--kubernetes 1.33 is not a Kubernetes version; pass --kubernetes v1.MINOR.PATCH, e.g. v1.33.13 (cluster:prepare takes several: v1.33.13,v1.34.10)',
    );
    expect(failure(() => read(['--kubernetes', 'v1.33.13,'])).message).toMatch(
      /is not a Kubernetes version \(an empty entry\)/,
    );
    expect(oneKubernetesVersion(['v1.33.13'], 'usage')).toBe('v1.33.13');
    expect(oneKubernetesVersion(undefined, 'usage')).toBeUndefined();
    expect(failure(() => oneKubernetesVersion(['v1.33.13', 'v1.34.10'], 'usage')).message).toBe(
      '--kubernetes v1.33.13,v1.34.10 names 2 versions; a cluster runs one; usage',
    );
  });

  it('takes a shard as INDEX/COUNT, and nothing outside 1..COUNT', () => {
    expect(read(['--shard', '2/3'])).toMatchObject({ shard: { index: 2, count: 3 } });
    expect(read([], { STS_SHARD: '1/2' })).toMatchObject({ shard: { index: 1, count: 2 } });
    expect(failure(() => read(['--shard', '3/2'])).message).toBe(
      '--shard 3/2 is not a shard; pass --shard INDEX/COUNT, e.g. 1/2 and 2/2',
    );
    expect(failure(() => read([], { STS_SHARD: '0/2' })).message).toBe(
      'STS_SHARD=0/2 is not a shard; set STS_SHARD to INDEX/COUNT, e.g. 1/2 and 2/2',
    );
    expect(failure(() => read(['--shard', 'half'])).message).toMatch(/^--shard half is not a shard/);
  });

  it('runs at least one scenario file at a time', () => {
    expect(read(['--concurrency', '1'])).toMatchObject({ concurrency: 1 });
    expect(read([], { STS_CONCURRENCY: '4' })).toMatchObject({ concurrency: 4 });
    expect(failure(() => read(['--concurrency', '0'])).message).toBe(
      '--concurrency 0 runs nothing; pass --concurrency 1, 2, 3...',
    );
  });

  it('takes a flag over its environment variable, and the environment variable over the default', () => {
    const env = { STS_CLUSTER_NAME: 'from-env', STS_WORKERS: '2', STS_CLUSTER_MODE: 'online', STS_KEEP_CLUSTER: '1' };
    expect(read([], env)).toMatchObject({ clusterName: 'from-env', workers: 2, mode: 'online', keepCluster: true });
    expect(read(['--cluster-name', 'from-flag', '--workers', '1', '--offline'], env)).toMatchObject({
      clusterName: 'from-flag',
      workers: 1,
      mode: 'offline',
    });
  });

  it('counts an empty environment variable as unset', () => {
    expect(read([], { STS_KUBECONFIG: '', STS_WORKERS: '', STS_CONFORMANCE_OUT: '' })).toMatchObject({
      kubeconfig: undefined,
      workers: 0,
      out: 'out',
    });
  });

  it('accepts every existing flag, --name as --cluster-name and --offline/--online as --mode', () => {
    expect(
      read([
        '--kubeconfig',
        '/k',
        '--context',
        'c',
        '--name',
        'n',
        '--workers',
        '3',
        '--feature-gates',
        'G=true',
        '--online',
        '--keep-cluster',
        '--images',
        '/images',
        '--concurrency',
        '2',
        '--out',
        'o',
        '--shard',
        '1/1',
        '--kubernetes',
        'v1.33.13',
      ]),
    ).toEqual({
      kubeconfig: '/k',
      context: 'c',
      clusterName: 'n',
      workers: 3,
      featureGates: { G: true },
      mode: 'online',
      kubernetes: ['v1.33.13'],
      keepCluster: true,
      images: '/images',
      concurrency: 2,
      shard: { index: 1, count: 1 },
      out: 'o',
    });
    expect(read(['--mode', 'offline', '--offline']).mode).toBe('offline');
    expect(read(['--cluster-name', 'n', '--name', 'n']).clusterName).toBe('n');
  });

  it('rejects flags of one setting that disagree', () => {
    const error = failure(() => read(['--offline', '--online']));
    expect(error.message).toBe('--offline and --online contradict each other; usage: test');
    expect(error.exitCode).toBe(2);
    expect(failure(() => read(['--cluster-name', 'a', '--name', 'b'])).causeText).toBe(
      '--cluster-name and --name contradict each other',
    );
  });

  it('names the flag or the variable a bad value came from, and what to give instead', () => {
    expect(failure(() => read(['--workers', 'two'])).message).toBe(
      '--workers two is not a whole number; pass --workers 0, 1, 2...',
    );
    expect(failure(() => read(['--workers=-1'])).causeText).toBe('--workers -1 is not a whole number');
    expect(failure(() => read([], { STS_WORKERS: '1.5' })).message).toBe(
      'STS_WORKERS=1.5 is not a whole number; set STS_WORKERS to 0, 1, 2...',
    );
    expect(failure(() => read(['--mode', 'fast'])).message).toBe('--mode fast is unknown; use auto, offline or online');
    expect(failure(() => read([], { STS_CLUSTER_MODE: 'fast' })).causeText).toBe('STS_CLUSTER_MODE=fast is unknown');
    expect(failure(() => read([], { STS_KEEP_CLUSTER: 'yes' })).message).toBe(
      'STS_KEEP_CLUSTER=yes is neither 1 nor 0; set STS_KEEP_CLUSTER to 1 to keep the cluster, or 0',
    );
    expect(failure(() => read(['--cluster-name', ''])).message).toBe(
      '--cluster-name is empty; pass --cluster-name NAME',
    );
  });

  it("falls back to kubectl's KUBECONFIG only when asked", () => {
    expect(read([], { KUBECONFIG: '/kubectl' }).kubeconfig).toBeUndefined();
    expect(kubectlKubeconfig({ KUBECONFIG: '/kubectl' })).toBe('/kubectl');
    expect(kubectlKubeconfig({ KUBECONFIG: '' })).toBeUndefined();
  });

  it('reads feature gates as GATE=true|false pairs, and names a bad one', () => {
    expect(read(['--feature-gates', 'MaxUnavailableStatefulSet=true,Other=false']).featureGates).toEqual({
      MaxUnavailableStatefulSet: true,
      Other: false,
    });
    expect(read([], { STS_FEATURE_GATES: 'A=true' }).featureGates).toEqual({ A: true });
    expect(failure(() => read(['--feature-gates', 'A=yes'])).message).toMatch(/"A=yes" is not GATE=true or GATE=false/);
  });

  it("spells a setting's own flag", () => {
    expect(flagOf('clusterName')).toBe('--cluster-name');
    expect(flagOf('out')).toBe('--out');
  });
});
