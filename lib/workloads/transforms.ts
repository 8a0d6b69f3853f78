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
    (current, transform) => transform.apply(current),
    structuredClone([...objects]),
  );
}

interface Container {
  name: string;
  image?: string;
  ports?: Array<{ containerPort: number; hostPort?: number; name?: string }>;
  env?: Array<{ name: string; value?: string }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}

interface PodSpec {
  nodeName?: string;
  schedulingGates?: Array<{ name: string }>;
  containers?: Container[];
  initContainers?: Container[];
  volumes?: Array<Record<string, unknown> & { name: string }>;
}

interface StatefulSetSpec {
  replicas?: number;
  minReadySeconds?: number;
  ordinals?: { start?: number };
  podManagementPolicy?: string;
  updateStrategy?: { type?: string; rollingUpdate?: { partition?: number; maxUnavailable?: number | string } };
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

/** The StatefulSet is called `name` (its Service, selector and pods' labels stay as they are). */
export function statefulSetName(name: string): Transform {
  return {
    name: `StatefulSet name ${name}`,
    apply: (objects) => {
      for (const set of requireOne(statefulSets([...objects]), 'a StatefulSet')) set.metadata.name = name;
      return [...objects];
    },
  };
}

/** The first container binds `port` on its node (containerPort 80). */
export function hostPort(port: number): Transform {
  return {
    name: `hostPort ${port}`,
    apply: (objects) => {
      for (const spec of requireOne(podSpecs([...objects]), 'a pod template')) {
        const container = spec.containers?.[0];
        if (container) container.ports = [{ name: 'held', containerPort: 80, hostPort: port }];
      }
      return [...objects];
    },
  };
}

/** The pods name their node themselves, past the scheduler: the kubelet's admission alone decides. */
export function nodeName(node: string): Transform {
  return {
    name: `nodeName ${node}`,
    apply: (objects) => {
      for (const spec of requireOne(podSpecs([...objects]), 'a pod template')) spec.nodeName = node;
      return [...objects];
    },
  };
}

/** Leaves spec.replicas out of the manifest, as the documentation advises next to an autoscaler. */
export function withoutReplicas(): Transform {
  return {
    name: 'without spec.replicas',
    apply: (objects) => {
      for (const set of requireOne(statefulSets([...objects]), 'a StatefulSet')) delete set.spec.replicas;
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

/** spec.minReadySeconds: a pod counts as available only after it has been Ready this long. */
export function minReadySeconds(seconds: number): Transform {
  return {
    name: `minReadySeconds ${seconds}`,
    apply: (objects) => {
      for (const set of requireOne(statefulSets([...objects]), 'a StatefulSet')) set.spec.minReadySeconds = seconds;
      return [...objects];
    },
  };
}

/** spec.ordinals.start: the pods are numbered from `start` instead of 0. */
export function startOrdinal(start: number): Transform {
  return {
    name: `ordinals.start ${start}`,
    apply: (objects) => {
      for (const set of requireOne(statefulSets([...objects]), 'a StatefulSet')) set.spec.ordinals = { start };
      return [...objects];
    },
  };
}

/** RollingUpdate with maxUnavailable (a number or a percentage), partition 0. */
export function maxUnavailable(value: number | string): Transform {
  return {
    name: `RollingUpdate maxUnavailable ${value}`,
    apply: (objects) => {
      for (const set of requireOne(statefulSets([...objects]), 'a StatefulSet'))
        set.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: value } };
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

/**
 * Every pod of the template carries a scheduling gate: it stays Pending, unscheduled, until a
 * scenario removes the gate from that pod (a pod's gates can only be removed, never added). A
 * pending pod that holds nothing else up, without touching the node (no cordon).
 */
export function schedulingGate(name: string): Transform {
  return {
    name: `scheduling gate ${name}`,
    apply: (objects) => {
      for (const spec of requireOne(podSpecs([...objects]), 'a pod template'))
        spec.schedulingGates = [...(spec.schedulingGates ?? []), { name }];
      return [...objects];
    },
  };
}

/**
 * The app label of everything is `value`: the StatefulSet's selector and pod labels, and the
 * Service's selector. A StatefulSet made with it does not select pods labelled as the fixture's.
 */
export function appLabel(value: string): Transform {
  return {
    name: `app label ${value}`,
    apply: (objects) => {
      for (const object of objects) {
        const spec = object.spec as {
          selector?: { matchLabels?: Record<string, string>; app?: string };
          template?: { metadata?: { labels?: Record<string, string> } };
        };
        if (object.kind === 'StatefulSet') {
          spec.selector = { ...spec.selector, matchLabels: { ...spec.selector?.matchLabels, app: value } };
          const metadata = (spec.template ??= {}).metadata ?? {};
          spec.template.metadata = { ...metadata, labels: { ...metadata.labels, app: value } };
        } else if (object.kind === 'Service' && spec.selector) {
          spec.selector = { ...spec.selector, app: value };
        }
      }
      requireOne(statefulSets([...objects]), 'a StatefulSet');
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
