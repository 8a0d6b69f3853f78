import type { KubeObject } from '../kube/manifests.js';

/**
 * Named adaptations of a documented manifest. Each is a pure function from objects to new
 * objects that says what it changes, so a fixture stays what the guide shows and every
 * deviation is visible in the scenario that asks for it (and in the attached manifests).
 */
export interface Transform {
  readonly name: string;
  apply(objects: readonly KubeObject[]): KubeObject[];
}

export function applyTransforms(objects: readonly KubeObject[], transforms: readonly Transform[]): KubeObject[] {
  return transforms.reduce<KubeObject[]>(
    (current, transform) => {
      try {
        return transform.apply(current);
      } catch (error) {
        throw new Error(`transform "${transform.name}": ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    structuredClone([...objects]),
  );
}

interface Container {
  name: string;
  image?: string;
  env?: Array<{ name: string; value?: string }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}

interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  volumes?: Array<Record<string, unknown> & { name: string }>;
}

interface StatefulSetSpec {
  replicas?: number;
  podManagementPolicy?: string;
  updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
  template?: { metadata?: Record<string, unknown>; spec?: PodSpec };
  volumeClaimTemplates?: Array<{ metadata?: { name?: string }; spec?: { storageClassName?: string } }>;
  persistentVolumeClaimRetentionPolicy?: ClaimRetentionPolicy;
}

/** What happens to the claims of a volumeClaimTemplate when pods are scaled away, or the StatefulSet is deleted. */
export interface ClaimRetentionPolicy {
  readonly whenScaled: 'Retain' | 'Delete';
  readonly whenDeleted: 'Retain' | 'Delete';
}

function statefulSets(objects: readonly KubeObject[]): Array<KubeObject & { spec: StatefulSetSpec }> {
  return objects.filter((object) => object.kind === 'StatefulSet') as Array<KubeObject & { spec: StatefulSetSpec }>;
}

function requireOne<T>(items: T[], what: string): T[] {
  if (items.length === 0) throw new Error(`transform needs ${what}, and the manifest has none`);
  return items;
}

function podSpecs(objects: readonly KubeObject[]): PodSpec[] {
  const specs: PodSpec[] = [];
  for (const object of objects) {
    if (object.kind === 'Pod') specs.push(object.spec as PodSpec);
    else if (object.kind === 'StatefulSet') {
      const spec = (object.spec as StatefulSetSpec).template?.spec;
      if (spec) specs.push(spec);
    }
  }
  return specs;
}

/** docker.io/library/busybox:1.36 -> docker.io/library/busybox (the repository, normalised as containerd does). */
export function repositoryOf(image: string): string {
  const withoutDigest = image.split('@')[0] as string;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const repository = colon > lastSlash ? withoutDigest.slice(0, colon) : withoutDigest;
  const first = repository.split('/')[0] ?? '';
  const hasRegistry = repository.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasRegistry) return repository;
  return repository.includes('/') ? `docker.io/${repository}` : `docker.io/library/${repository}`;
}

/** Points containers at the images a cluster holds locally (offline kind), by repository. */
export function useLocalImages(imageMap: Readonly<Record<string, string>>): Transform {
  return {
    name: `use local images (${
      Object.entries(imageMap)
        .map(([from, to]) => `${from} -> ${to}`)
        .join(', ') || 'none'
    })`,
    apply: (objects) => {
      for (const spec of podSpecs(objects)) {
        for (const container of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
          const local = container.image ? imageMap[repositoryOf(container.image)] : undefined;
          if (local) container.image = local;
        }
      }
      return [...objects];
    },
  };
}

export function replicas(count: number): Transform {
  return {
    name: `replicas ${count}`,
    apply: (objects) => {
      for (const set of requireOne(statefulSets([...objects]), 'a StatefulSet')) set.spec.replicas = count;
      return [...objects];
    },
  };
}

export function podManagementPolicy(policy: 'OrderedReady' | 'Parallel'): Transform {
  return {
    name: `podManagementPolicy ${policy}`,
    apply: (objects) => {
      for (const set of requireOne(statefulSets([...objects]), 'a StatefulSet')) set.spec.podManagementPolicy = policy;
      return [...objects];
    },
  };
}

/** RollingUpdate with a partition: only ordinals >= partition move to a new revision. */
export function partition(value: number): Transform {
  return {
    name: `RollingUpdate partition ${value}`,
    apply: (objects) => {
      for (const set of requireOne(statefulSets([...objects]), 'a StatefulSet'))
        set.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: value } };
      return [...objects];
    },
  };
}

/** updateStrategy OnDelete: the controller replaces a pod at the new revision only once someone deletes it. */
export function onDeleteUpdates(): Transform {
  return {
    name: 'updateStrategy OnDelete',
    apply: (objects) => {
      for (const set of requireOne(statefulSets([...objects]), 'a StatefulSet'))
        set.spec.updateStrategy = { type: 'OnDelete' };
      return [...objects];
    },
  };
}

/** Sets an environment variable on every container of the pod template (adds it if absent). */
export function containerEnv(name: string, value: string): Transform {
  return {
    name: `env ${name}=${value}`,
    apply: (objects) => {
      for (const spec of requireOne(podSpecs([...objects]), 'a pod template')) {
        for (const container of spec.containers ?? []) {
          const env = (container.env ??= []);
          const existing = env.find((entry) => entry.name === name);
          if (existing) existing.value = value;
          else env.push({ name, value });
        }
      }
      return [...objects];
    },
  };
}

/** Every volumeClaimTemplate asks for this StorageClass. */
export function storageClass(name: string): Transform {
  return {
    name: `storageClassName ${name}`,
    apply: (objects) => {
      for (const set of statefulSets([...objects])) {
        for (const template of set.spec.volumeClaimTemplates ?? [])
          template.spec = { ...template.spec, storageClassName: name };
      }
      return [...objects];
    },
  };
}

/**
 * spec.persistentVolumeClaimRetentionPolicy. `whenScaled: Delete` is the negative control for
 * storage across a scale to 0 and back: the claims of the ordinals scaled away are deleted, so
 * the pods that come back get new claims. Retain/Retain is the default (the documented
 * behaviour the positive scenario proves).
 */
export function claimRetentionPolicy(policy: ClaimRetentionPolicy): Transform {
  return {
    name: `persistentVolumeClaimRetentionPolicy whenScaled ${policy.whenScaled}, whenDeleted ${policy.whenDeleted}`,
    apply: (objects) => {
      for (const set of requireOne(statefulSets([...objects]), 'a StatefulSet')) {
        if (!set.spec.volumeClaimTemplates?.length)
          throw new Error('transform needs volumeClaimTemplates, and the StatefulSet has none');
        set.spec.persistentVolumeClaimRetentionPolicy = { ...policy };
      }
      return [...objects];
    },
  };
}

/**
 * Negative control for storage identity: each claim template becomes an emptyDir volume of the
 * same name, so the pod's data lives and dies with the pod.
 */
export function emptyDirInsteadOfClaims(): Transform {
  return {
    name: 'emptyDir instead of volumeClaimTemplates',
    apply: (objects) => {
      for (const set of requireOne(statefulSets([...objects]), 'a StatefulSet')) {
        const names = (set.spec.volumeClaimTemplates ?? [])
          .map((template) => template.metadata?.name)
          .filter((name): name is string => Boolean(name));
        if (names.length === 0) throw new Error('transform needs volumeClaimTemplates, and the StatefulSet has none');
        delete set.spec.volumeClaimTemplates;
        const spec = (set.spec.template ??= {}).spec ?? {};
        spec.volumes = [...(spec.volumes ?? []), ...names.map((name) => ({ name, emptyDir: {} }))];
      }
      return [...objects];
    },
  };
}

/** Drops objects of a kind, e.g. the headless Service for the DNS negative control. */
export function without(kind: string, name: string): Transform {
  return {
    name: `without ${kind} ${name}`,
    apply: (objects) => {
      const kept = objects.filter((object) => !(object.kind === kind && object.metadata.name === name));
      if (kept.length === objects.length) throw new Error(`transform needs ${kind} ${name}, and the manifest has none`);
      return kept;
    },
  };
}
