import type { KubeObject } from '../kube/manifests.js';
import { podSpecs, type Container, type PodSpec, type Transform } from './transforms.js';

/**
 * The adaptations of the guides' manifests, in two families the reports keep apart:
 *
 * - `environment`: what this cluster needs and the guide could not know (a StorageClass it does
 *   not have, requests a small shared node cannot hold). Both runs of an example get them.
 * - `correction`: what the guide's example lacks to do what the guide says (a Secret it never
 *   defines, a probe that cannot pass). Only the made-to-work run gets them, each with its reason.
 *
 * Every name says what changes and why; transforms are pure, so the attached manifests are exactly
 * what was applied.
 */
export type AdaptationKind = 'environment' | 'correction';

export function adaptationName(kind: AdaptationKind, what: string, why: string): string {
  return `${kind}: ${what} (${why})`;
}

interface ClaimTemplate {
  metadata?: { name?: string };
  spec?: { storageClassName?: string };
}

interface SetLike {
  spec?: {
    replicas?: number;
    volumeClaimTemplates?: ClaimTemplate[];
    template?: { spec?: PodSpec };
  };
}

/** Claim specs of every StatefulSet's templates and every PersistentVolumeClaim object. */
function claimSpecs(objects: readonly KubeObject[]): Array<{ storageClassName?: string }> {
  const specs: Array<{ storageClassName?: string }> = [];
  for (const object of objects) {
    if (object.kind === 'StatefulSet')
      for (const template of (object as SetLike).spec?.volumeClaimTemplates ?? [])
        if (template.spec) specs.push(template.spec);
    if (object.kind === 'PersistentVolumeClaim')
      specs.push((object as { spec?: { storageClassName?: string } }).spec ?? {});
  }
  return specs;
}

/** A StorageClass the fixture names and this cluster does not have becomes the cluster's default class. */
export function replaceStorageClass(from: string, to: string): Transform {
  return {
    name: adaptationName(
      'environment',
      `storageClassName ${from} -> ${to}`,
      `this cluster has no StorageClass ${from}; ${to} is its default`,
    ),
    apply: (objects) => {
      for (const spec of claimSpecs(objects)) if (spec.storageClassName === from) spec.storageClassName = to;
      return [...objects];
    },
  };
}

export interface RequestCaps {
  /** Millicores. */
  readonly cpuMillis: number;
  readonly memoryMiB: number;
}

/** "250m" -> 250, "1" -> 1000, "0.5" -> 500. */
export function cpuMillis(quantity: string | number): number {
  const text = String(quantity);
  return text.endsWith('m') ? Number(text.slice(0, -1)) : Number(text) * 1000;
}

/** "512Mi" -> 512, "1Gi" -> 1024, "1G" -> 953.7; plain bytes too. */
export function memoryMiB(quantity: string | number): number {
  const match = /^(\d+(?:\.\d+)?)([KMGT]i?|)$/.exec(String(quantity));
  if (!match) throw new Error(`cannot read memory quantity ${quantity}`);
  const value = Number(match[1]);
  const unit = match[2] ?? '';
  const binary: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024 };
  const decimal: Record<string, number> = { K: 1e3, M: 1e6, G: 1e9, T: 1e12, '': 1 };
  return unit in binary ? value * (binary[unit] as number) : (value * (decimal[unit] as number)) / (1024 * 1024);
}

interface Resources {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

/**
 * Lowers requests above the caps to the caps (limits stay as the guide set them): a guide asking
 * 500m per replica of a 3-replica set cannot be scheduled on a 2-core node that also runs the
 * control plane and other tests. Returns undefined when nothing in the objects exceeds the caps.
 */
export function capRequests(objects: readonly KubeObject[], caps: RequestCaps, why: string): Transform | undefined {
  const changes: string[] = [];
  const sets = objects.filter((object) => object.kind === 'StatefulSet') as Array<KubeObject & SetLike>;
  for (const set of sets) {
    for (const container of set.spec?.template?.spec?.containers ?? []) {
      const requests = (container as Container & { resources?: Resources }).resources?.requests ?? {};
      const parts: string[] = [];
      if (requests.cpu !== undefined && cpuMillis(requests.cpu) > caps.cpuMillis)
        parts.push(`cpu ${requests.cpu} -> ${caps.cpuMillis}m`);
      if (requests.memory !== undefined && memoryMiB(requests.memory) > caps.memoryMiB)
        parts.push(`memory ${requests.memory} -> ${caps.memoryMiB}Mi`);
      if (parts.length > 0) changes.push(`${set.metadata.name}/${container.name} requests ${parts.join(', ')}`);
    }
  }
  if (changes.length === 0) return undefined;
  return {
    name: adaptationName('environment', changes.join('; '), why),
    apply: (current) => {
      for (const spec of podSpecs(current)) {
        for (const container of spec.containers ?? []) {
          const requests = (container as Container & { resources?: Resources }).resources?.requests;
          if (!requests) continue;
          if (requests.cpu !== undefined && cpuMillis(requests.cpu) > caps.cpuMillis)
            requests.cpu = `${caps.cpuMillis}m`;
          if (requests.memory !== undefined && memoryMiB(requests.memory) > caps.memoryMiB)
            requests.memory = `${caps.memoryMiB}Mi`;
        }
      }
      return [...current];
    },
  };
}

/** What a cluster offers that the environment adaptations need. */
export interface ClusterStorage {
  readonly storageClasses: readonly string[];
  readonly defaultClass?: string;
}

/**
 * The environment adaptations a fixture needs on this cluster, each only if it changes
 * something: StorageClasses the cluster lacks, and requests above the caps.
 */
export function environmentAdaptations(
  objects: readonly KubeObject[],
  storage: ClusterStorage,
  caps: RequestCaps,
): Transform[] {
  const transforms: Transform[] = [];
  const missing = new Set(
    claimSpecs(objects)
      .map((spec) => spec.storageClassName)
      .filter((name): name is string => name !== undefined && name !== '' && !storage.storageClasses.includes(name)),
  );
  for (const name of missing) {
    if (!storage.defaultClass)
      throw new Error(
        `the fixture asks for StorageClass ${name}, which this cluster lacks, and it has no default class`,
      );
    transforms.push(replaceStorageClass(name, storage.defaultClass));
  }
  const requests = capRequests(
    objects,
    caps,
    `a 2-core node shared with the control plane and other tests cannot hold the guide's requests`,
  );
  if (requests) transforms.push(requests);
  return transforms;
}

// --- corrections ---------------------------------------------------------------------------

/** Objects the guide refers to and never defines (a Secret, a Service, a claim). */
export function addObjects(added: readonly KubeObject[], why: string): Transform {
  if (added.length === 0) throw new Error('addObjects needs objects');
  return {
    name: adaptationName(
      'correction',
      `add ${added.map((object) => `${object.kind} ${object.metadata.name}`).join(', ')}`,
      why,
    ),
    apply: (objects) => {
      for (const object of added) {
        if (objects.some((other) => other.kind === object.kind && other.metadata.name === object.metadata.name))
          throw new Error(`${object.kind} ${object.metadata.name} is already in the manifest`);
      }
      return [...objects, ...structuredClone([...added])];
    },
  };
}

/**
 * A fragment of a pod spec merged into the pod template of every workload in the manifest (a
 * StatefulSet, a CronJob's Job template): containers and init containers by name, where the
 * fragment's fields replace the container's, except env and volumeMounts, which merge by name;
 * new containers are added (init containers after the existing ones); volumes by name. This is
 * how `kubectl patch` with a strategic merge patch treats these lists.
 */
export function mergePodSpec(fragment: PodSpec, kind: AdaptationKind, what: string, why: string): Transform {
  return {
    name: adaptationName(kind, what, why),
    apply: (objects) => {
      const specs = podSpecs(objects);
      if (specs.length === 0) throw new Error(`transform "${what}" needs a pod template, and the manifest has none`);
      for (const spec of specs) {
        mergeContainers((spec.containers ??= []), fragment.containers ?? []);
        if (fragment.initContainers?.length) mergeContainers((spec.initContainers ??= []), fragment.initContainers);
        for (const volume of fragment.volumes ?? []) {
          const volumes = (spec.volumes ??= []);
          const index = volumes.findIndex((existing) => existing.name === volume.name);
          if (index >= 0) volumes[index] = structuredClone(volume);
          else volumes.push(structuredClone(volume));
        }
      }
      return [...objects];
    },
  };
}

function mergeContainers(target: Container[], additions: readonly Container[]): void {
  for (const addition of additions) {
    const existing = target.find((container) => container.name === addition.name);
    if (!existing) {
      target.push(structuredClone(addition));
      continue;
    }
    const { env, volumeMounts, ...fields } = structuredClone(addition);
    Object.assign(existing, fields);
    if (env) existing.env = mergeByName(existing.env ?? [], env);
    if (volumeMounts) existing.volumeMounts = mergeByName(existing.volumeMounts ?? [], volumeMounts);
  }
}

function mergeByName<T extends { name: string }>(current: readonly T[], additions: readonly T[]): T[] {
  const merged = [...current];
  for (const addition of additions) {
    const index = merged.findIndex((item) => item.name === addition.name);
    if (index >= 0) merged[index] = addition;
    else merged.push(addition);
  }
  return merged;
}

/**
 * The guide's own fragment of a StatefulSet spec (`spec: template: spec: containers: ...`, as
 * in a "Health Monitoring" section) put into the StatefulSet, as `kubectl patch` would.
 */
export function guideFragment(fragment: unknown, what: string): Transform {
  const podSpec = (fragment as { spec?: { template?: { spec?: PodSpec } } })?.spec?.template?.spec;
  if (!podSpec?.containers?.length)
    throw new Error(`the guide's fragment (${what}) has no spec.template.spec.containers`);
  return {
    ...mergePodSpec(podSpec, 'correction', what, 'the guide gives it as a fragment of this spec'),
    name: `guide fragment: ${what}`,
  };
}

/** One value of a ConfigMap's data, edited by replacing a literal text: a config line the server refuses. */
export function editConfigMap(name: string, key: string, from: string, to: string, why: string): Transform {
  return {
    name: adaptationName('correction', `ConfigMap ${name} ${key}: "${from}" -> "${to}"`, why),
    apply: (objects) => {
      const map = objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name === name) as
        (KubeObject & { data?: Record<string, string> }) | undefined;
      const value = map?.data?.[key];
      if (value === undefined) throw new Error(`transform needs ConfigMap ${name} with data.${key}`);
      if (!value.includes(from)) throw new Error(`ConfigMap ${name} data.${key} has no "${from}"`);
      (map as { data: Record<string, string> }).data[key] = value.split(from).join(to);
      return [...objects];
    },
  };
}
