import { UsageError } from './errors.js';

/**
 * The settings of a run, each defined once: the flags that set it on the command line
 * (`npm run e2e`, `cluster:up`, `cluster:down`, the benchmarks), the environment variable that
 * sets it otherwise (also for `vitest --project e2e` run directly), its default, and how a value
 * is read. A flag wins over the environment, the environment over the default; an empty
 * environment variable counts as unset. A bad value is a UsageError naming the flag or variable.
 */

/** The kind cluster the suite creates, reuses and deletes unless told another name. */
export const DEFAULT_CLUSTER_NAME = 'sts-e2e';

/** Scenario files at once: measured on 2 cores, see the README's Benchmarks. */
export const DEFAULT_CONCURRENCY = 3;

/** A part of the scenario files, as vitest's --shard takes it: index 1..count. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** offline: build everything locally; online: stock kind; auto: offline when the registries are unreachable. */
const CLUSTER_MODES = ['auto', 'offline', 'online'] as const;
export type ClusterMode = (typeof CLUSTER_MODES)[number];

/** Where a value came from, for messages: a flag (`--workers x`) or an environment variable (`STS_WORKERS=x`). */
interface Source {
  readonly name: string;
  readonly kind: 'flag' | 'env';
}

const shown = (source: Source, raw: string) =>
  source.kind === 'flag' ? `${source.name} ${raw}` : `${source.name}=${raw}`;
const asked = (source: Source, values: string) =>
  source.kind === 'flag' ? `pass ${source.name} ${values}` : `set ${source.name} to ${values}`;

interface Flag<T> {
  /** Without the dashes. */
  readonly name: string;
  /** For a flag that takes no value: the value it stands for (--offline is mode offline). */
  readonly means?: T;
}

interface Setting<T> {
  /** The first is the setting's own flag; the others are other spellings of it. */
  readonly flags: readonly Flag<T>[];
  readonly env: string;
  readonly default: T;
  /** Reads a value given as text: a flag's value or an environment variable. */
  parse(raw: string, source: Source): T;
}

const setting = <T>(definition: Setting<T>): Setting<T> => definition;

function text(placeholder: string) {
  return (raw: string, source: Source): string => {
    if (raw.trim() === '') throw new UsageError(`${source.name} is empty`, asked(source, placeholder));
    return raw;
  };
}

function wholeNumber(raw: string, source: Source): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < 0)
    throw new UsageError(`${shown(source, raw)} is not a whole number`, asked(source, '0, 1, 2...'));
  return value;
}

export const SETTINGS = {
  /** An existing cluster; when set, no kind cluster is created. `npm run e2e` also takes KUBECONFIG (kubectlKubeconfig). */
  kubeconfig: setting<string | undefined>({
    flags: [{ name: 'kubeconfig' }],
    env: 'STS_KUBECONFIG',
    default: undefined,
    parse: text('PATH'),
  }),
  /** The existing cluster's kubeconfig context; by default the kubeconfig's current context. */
  context: setting<string | undefined>({
    flags: [{ name: 'context' }],
    env: 'STS_CONTEXT',
    default: undefined,
    parse: text('NAME'),
  }),
  /** The kind cluster to create or reuse; `--name` is the older spelling cluster:up and cluster:down took. */
  clusterName: setting<string>({
    flags: [{ name: 'cluster-name' }, { name: 'name' }],
    env: 'STS_CLUSTER_NAME',
    default: DEFAULT_CLUSTER_NAME,
    parse: text('NAME'),
  }),
  /** Worker nodes of a kind cluster the suite creates, besides its control-plane node. */
  workers: setting<number>({
    flags: [{ name: 'workers' }],
    env: 'STS_WORKERS',
    default: 0,
    parse: wholeNumber,
  }),
  /**
   * Feature gates of a kind cluster the suite creates (every component: kind passes them to
   * kubeadm), e.g. MaxUnavailableStatefulSet=true. A reused cluster keeps the gates it has.
   */
  featureGates: setting<Readonly<Record<string, boolean>>>({
    flags: [{ name: 'feature-gates' }],
    env: 'STS_FEATURE_GATES',
    default: {},
    parse: (raw, source) => {
      const gates: Record<string, boolean> = {};
      for (const entry of raw.split(',').map((part) => part.trim())) {
        const match = /^([A-Za-z0-9]+)=(true|false)$/.exec(entry);
        if (!match)
          throw new UsageError(
            `${shown(source, raw)}: "${entry}" is not GATE=true or GATE=false`,
            asked(source, 'Gate=true,Other=false'),
          );
        gates[match[1] as string] = match[2] === 'true';
      }
      return gates;
    },
  }),
  mode: setting<ClusterMode>({
    flags: [{ name: 'mode' }, { name: 'offline', means: 'offline' }, { name: 'online', means: 'online' }],
    env: 'STS_CLUSTER_MODE',
    default: 'auto',
    parse: (raw, source) => {
      if (!(CLUSTER_MODES as readonly string[]).includes(raw))
        throw new UsageError(`${shown(source, raw)} is unknown`, 'use auto, offline or online');
      return raw as ClusterMode;
    },
  }),
  /**
   * The Kubernetes version of a kind cluster the suite creates (its node image; offline, built by
   * `cluster:prepare`, which takes several: `v1.33.13,v1.34.10`). Unset: the toolchain's pinned
   * version. With an existing or reused cluster it is a check: the cluster must run it.
   */
  kubernetes: setting<readonly string[] | undefined>({
    flags: [{ name: 'kubernetes' }],
    env: 'STS_KUBERNETES',
    default: undefined,
    parse: (raw, source) => {
      const versions = raw.split(',').map((version) => version.trim());
      const bad = versions.find((version) => !/^v1\.\d+\.\d+$/.test(version));
      if (bad !== undefined)
        throw new UsageError(
          `${shown(source, raw)} is not a Kubernetes version${versions.length > 1 ? ` (${bad || 'an empty entry'})` : ''}`,
          asked(source, 'v1.MINOR.PATCH, e.g. v1.33.13 (cluster:prepare takes several: v1.33.13,v1.34.10)'),
        );
      return [...new Set(versions)];
    },
  }),
  /** Keep a kind cluster the run created instead of deleting it at the end. */
  keepCluster: setting<boolean>({
    flags: [{ name: 'keep-cluster', means: true }],
    env: 'STS_KEEP_CLUSTER',
    default: false,
    parse: (raw, source) => {
      if (raw !== '1' && raw !== '0')
        throw new UsageError(`${shown(source, raw)} is neither 1 nor 0`, asked(source, '1 to keep the cluster, or 0'));
      return raw === '1';
    },
  }),
  /**
   * How many scenario files run at once on the cluster, each in its own namespaces. Verdicts are
   * about order, not timing, so they do not change with it; the default comes from
   * `npm run bench:e2e` on a 2-core machine (README, Benchmarks). 1 runs one file at a time.
   */
  concurrency: setting<number>({
    flags: [{ name: 'concurrency' }],
    env: 'STS_CONCURRENCY',
    default: DEFAULT_CONCURRENCY,
    parse: (raw, source) => {
      const value = wholeNumber(raw, source);
      if (value < 1) throw new UsageError(`${shown(source, raw)} runs nothing`, asked(source, '1, 2, 3...'));
      return value;
    },
  }),
  /**
   * A directory of `docker save` archives (*.tar) of official images, loaded into the kind cluster
   * the suite creates: those products run on their official images ("archive" in the image map),
   * the others on stand-ins (offline) or pulled (online). Never both for one product.
   */
  images: setting<string | undefined>({
    flags: [{ name: 'images' }],
    env: 'STS_IMAGES',
    default: undefined,
    parse: text('DIR'),
  }),
  /**
   * One part of the scenario files: `2/3` runs the second of three parts (vitest's sharding,
   * which splits the files the same way on every machine), so CI spreads a run over jobs whose
   * results merge into one (`npm run results:merge`). Unset: every file.
   */
  shard: setting<Shard | undefined>({
    flags: [{ name: 'shard' }],
    env: 'STS_SHARD',
    default: undefined,
    parse: (raw, source) => {
      const match = /^(\d+)\/(\d+)$/.exec(raw.trim());
      const [index, count] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
      if (!match || count < 1 || index < 1 || index > count)
        throw new UsageError(`${shown(source, raw)} is not a shard`, asked(source, 'INDEX/COUNT, e.g. 1/2 and 2/2'));
      return { index, count };
    },
  }),
  /** Where a run's reports go (JUnit, Allure results, results.json, timelines, timings). */
  out: setting<string>({
    flags: [{ name: 'out' }],
    env: 'STS_CONFORMANCE_OUT',
    default: 'out',
    parse: text('DIR'),
  }),
};

export type SettingName = keyof typeof SETTINGS;
export type Settings = { [K in SettingName]: (typeof SETTINGS)[K] extends Setting<infer T> ? T : never };

/**
 * What `npm run e2e` hands to the vitest process it starts, besides the out setting: set by the
 * runner, not by people.
 */
export const HANDOVER_ENV = {
  /** The ClusterHandle, as JSON. */
  cluster: 'STS_CONFORMANCE_CLUSTER',
  /** The run id its namespaces are labelled with. */
  runId: 'STS_CONFORMANCE_RUN_ID',
  /** 1 when `npm run repro` runs the scenario: the harness prints the kubectl transcript live and keeps the namespaces. */
  repro: 'STS_CONFORMANCE_REPRO',
  /** 1: this vitest process runs the disruptive scenarios (suites/disruptive), one at a time. */
  disruptive: 'STS_CONFORMANCE_DISRUPTIVE',
  /** 1 (set by `npm run bench:e2e`): run a latency probe beside the scenarios, into <out>/latency-probe.json. */
  latencyProbe: 'STS_LATENCY_PROBE',
} as const;

/** The one Kubernetes version of a cluster to create or check; several are for `cluster:prepare` only. */
export function oneKubernetesVersion(versions: readonly string[] | undefined, usage: string): string | undefined {
  if (versions && versions.length > 1)
    throw new UsageError(
      `--kubernetes ${versions.join(',')} names ${versions.length} versions`,
      `a cluster runs one; ${usage}`,
    );
  return versions?.[0];
}

/** A setting's own flag, as typed: `--cluster-name`. */
export function flagOf(name: SettingName): string {
  return `--${(SETTINGS[name].flags[0] as Flag<unknown>).name}`;
}

/** The parseArgs options for the named settings' flags. */
export function settingFlags(names: readonly SettingName[]): Record<string, { type: 'string' | 'boolean' }> {
  return Object.fromEntries(
    names.flatMap((name) =>
      (SETTINGS[name].flags as readonly Flag<unknown>[]).map((flag) => [
        flag.name,
        { type: 'means' in flag ? ('boolean' as const) : ('string' as const) },
      ]),
    ),
  );
}

/**
 * Reads the named settings from parsed flags, else from the environment, else their defaults.
 * Two flags of one setting that disagree (--offline --online) are a UsageError with `usage` as remedy.
 */
export function readSettings<K extends SettingName>(
  names: readonly K[],
  options: { flags?: Readonly<Record<string, unknown>>; env?: NodeJS.ProcessEnv; usage?: string } = {},
): Pick<Settings, K> {
  const values: Partial<Settings> = {};
  for (const name of names)
    Object.assign(values, {
      [name]: readSetting(
        SETTINGS[name] as Setting<unknown>,
        options.flags ?? {},
        options.env ?? process.env,
        options.usage,
      ),
    });
  return values as Pick<Settings, K>;
}

function readSetting<T>(
  definition: Setting<T>,
  flags: Readonly<Record<string, unknown>>,
  env: NodeJS.ProcessEnv,
  usage: string | undefined,
): T {
  const given = definition.flags
    .filter((flag) => flags[flag.name] !== undefined && flags[flag.name] !== false)
    .map((flag) => {
      const source: Source = { name: `--${flag.name}`, kind: 'flag' };
      return {
        source,
        value: 'means' in flag ? (flag.means as T) : definition.parse(String(flags[flag.name]), source),
      };
    });
  const [first, ...others] = given;
  const disagreeing = others.find((other) => other.value !== first?.value);
  if (first && disagreeing)
    throw new UsageError(
      `${first.source.name} and ${disagreeing.source.name} contradict each other`,
      usage ?? `pass one of ${first.source.name} and ${disagreeing.source.name}`,
    );
  if (first) return first.value;
  const raw = env[definition.env];
  if (raw !== undefined && raw !== '') return definition.parse(raw, { name: definition.env, kind: 'env' });
  return definition.default;
}

/**
 * kubectl's KUBECONFIG, which `npm run e2e` falls back to when the kubeconfig setting is not
 * given. Only the e2e command does: a direct vitest run would otherwise run against whatever
 * cluster a shell points at instead of creating its own.
 */
export function kubectlKubeconfig(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.KUBECONFIG || undefined;
}
