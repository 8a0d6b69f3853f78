import type { ImageMapEntry } from '../kube/cluster-handle.js';
import type { KubeObject } from '../kube/manifests.js';
import { mostSpecificMatch, parseReference, shortPattern } from '../support/image-reference.js';

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

export interface Container {
  name: string;
  image?: string;
  ports?: Array<{ containerPort: number; hostPort?: number; name?: string }>;
  env?: Array<{ name: string; value?: string }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}

export interface PodSpec {
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: Array<{ key?: string; operator?: string; value?: string; effect?: string }>;
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

/** The pod specs of Pods, StatefulSets, Jobs and CronJobs (the guides' backup job), to rewrite in place. */
export function podSpecs(objects: readonly KubeObject[]): PodSpec[] {
  const specs: PodSpec[] = [];
  for (const object of objects) {
    if (object.kind === 'Pod') specs.push(object.spec as PodSpec);
    else if (object.kind === 'StatefulSet' || object.kind === 'Job' || object.kind === 'Deployment') {
      const spec = (object.spec as StatefulSetSpec).template?.spec;
      if (spec) specs.push(spec);
    } else if (object.kind === 'CronJob') {
      const spec = (object.spec as { jobTemplate?: { spec?: StatefulSetSpec } }).jobTemplate?.spec?.template?.spec;
      if (spec) specs.push(spec);
    }
  }
  return specs;
}

/** docker.io/library/busybox:1.36 -> docker.io/library/busybox (the repository, normalised as containerd does). */
export function repositoryOf(image: string): string {
  return parseReference(image).repository;
}

/**
 * Points containers at the images the run's image map says (lib/cluster/image-map.ts): a stand-in
 * or an archive's image where a fixture names an official one, by the most specific pattern
 * (postgres:14 and postgres:15 go to different stand-ins). Official entries leave the name as is.
 */
export function useLocalImages(imageMap: readonly ImageMapEntry[]): Transform {
  const rewrites = imageMap.filter((entry) => entry.image && entry.image !== entry.official);
  return {
    name: `use local images (${
      rewrites.map((entry) => `${shortPattern(entry.official)} -> ${entry.image} (${entry.mode})`).join(', ') || 'none'
    })`,
    apply: (objects) => {
      for (const spec of podSpecs(objects)) {
        for (const container of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
          const entry = container.image ? mostSpecificMatch(imageMap, container.image) : undefined;
          if (entry?.image) container.image = entry.image;
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
 * The pods run on the control-plane node (its node-role label, its NoSchedule taint tolerated):
 * for probes that must stay up while every worker is drained.
 */
export function onControlPlane(): Transform {
  return {
    name: 'on the control-plane node (nodeSelector node-role.kubernetes.io/control-plane, its taint tolerated)',
    apply: (objects) => {
      for (const spec of requireOne(podSpecs([...objects]), 'a pod template')) {
        spec.nodeSelector = { ...spec.nodeSelector, 'node-role.kubernetes.io/control-plane': '' };
        spec.tolerations = [
          ...(spec.tolerations ?? []),
          { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
        ];
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

// --- Adaptations of the users' guides' manifests (fixtures/guides) --------------------------------
// Each names what it changes and why, in one line: the report lists them per fixture. Environment
// adaptations make a manifest run here at all (a StorageClass, requests, a shell's expansion);
// corrections make it do what its guide says (a Secret it forgot, a shell its probes call).

type Json = Record<string, unknown>;

interface ProbedContainer extends Container {
  command?: string[];
  args?: string[];
  readinessProbe?: Json;
  livenessProbe?: Json;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

function containersNamed(objects: readonly KubeObject[], name: string): ProbedContainer[] {
  const found = podSpecs(objects).flatMap((spec) =>
    [...(spec.containers ?? []), ...(spec.initContainers ?? [])].filter((container) => container.name === name),
  );
  return requireOne(found as ProbedContainer[], `a container ${name}`);
}

/**
 * What the shell does to an unquoted heredoc (`cat << EOF | kubectl apply -f -`) before kubectl
 * reads it: `$NAME` and `${NAME}` become the variable's value and `\$` a plain `$`. Only the named
 * variables are known; a `$` before any other name is left for the container's shell, as the
 * guide's `\$` asks.
 */
export function expandHeredoc(variables: Readonly<Record<string, string>>): Transform {
  const names = Object.keys(variables);
  const expand = (text: string) =>
    text.replace(/\\\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, braced, bare) => {
      if (match === '\\$') return '$';
      const name = (braced ?? bare) as string;
      return name in variables ? (variables[name] as string) : match;
    });
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return expand(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [expand(key), walk(inner)]));
    return value;
  };
  return {
    name: `expand the script's heredoc as the shell does (${names.map((name) => `$${name}=${variables[name]}`).join(', ')}, \\$ -> $)`,
    apply: (objects) => objects.map((object) => walk(object) as KubeObject),
  };
}

/**
 * Claim templates that ask for a StorageClass the cluster does not have get `replacement` (the
 * cluster's default) instead; templates naming a class that exists, or none, stay as they are.
 */
export function missingStorageClass(available: readonly string[], replacement: string): Transform {
  const changed = new Set<string>();
  return {
    get name() {
      const from = [...changed].sort().join(', ') || 'none';
      return `storageClassName ${from} -> ${replacement} (no such StorageClass in this cluster; ${replacement} is its default)`;
    },
    apply: (objects) => {
      for (const set of statefulSets([...objects])) {
        for (const template of set.spec.volumeClaimTemplates ?? []) {
          const wanted = template.spec?.storageClassName;
          if (wanted && !available.includes(wanted)) {
            changed.add(wanted);
            template.spec = { ...template.spec, storageClassName: replacement };
          }
        }
      }
      return [...objects];
    },
  };
}

/** Millicores of a Kubernetes CPU quantity ("500m", "1", "0.5"). */
export function cpuMillis(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(quantity.trim());
  if (!match) throw new Error(`not a CPU quantity: ${quantity}`);
  return match[2] ? Number(match[1]) : Math.round(Number(match[1]) * 1000);
}

/**
 * CPU requests above `maxMillis` come down to it (limits stay): what several replicas ask for
 * must fit a small shared node next to the control plane, or the later ordinals never schedule.
 */
export function capCpuRequests(maxMillis: number, reason: string): Transform {
  const seen: string[] = [];
  return {
    get name() {
      return `CPU requests ${[...new Set(seen)].join(', ') || 'none'} -> ${maxMillis}m: ${reason}`;
    },
    apply: (objects) => {
      for (const spec of podSpecs(objects)) {
        for (const container of [...(spec.containers ?? []), ...(spec.initContainers ?? [])] as ProbedContainer[]) {
          const cpu = container.resources?.requests?.cpu;
          if (cpu && cpuMillis(cpu) > maxMillis) {
            seen.push(cpu);
            (container.resources!.requests as Record<string, string>).cpu = `${maxMillis}m`;
          }
        }
      }
      return [...objects];
    },
  };
}

/** Objects the guide refers to and never shows (a Secret), added before the others. */
export function addObjects(what: string, added: readonly KubeObject[], reason: string): Transform {
  return {
    name: `add ${what}: ${reason}`,
    apply: (objects) => [...structuredClone([...added]), ...objects],
  };
}

/** The image of one container (an official name: the image map then decides what runs). */
export function containerImage(container: string, image: string, reason: string): Transform {
  return {
    name: `container ${container} image ${image}: ${reason}`,
    apply: (objects) => {
      for (const found of containersNamed(objects, container)) found.image = image;
      return [...objects];
    },
  };
}

/** Replaces the exec command of a probe the manifest already has. */
export function probeCommand(
  container: string,
  probe: 'readinessProbe' | 'livenessProbe',
  command: readonly string[],
  reason: string,
): Transform {
  return {
    name: `${container} ${probe} exec ${command.join(' ')}: ${reason}`,
    apply: (objects) => {
      for (const found of containersNamed(objects, container)) {
        const existing = found[probe] as { exec?: { command?: string[] } } | undefined;
        if (!existing?.exec)
          throw new Error(`transform needs an exec ${probe} on container ${container}, and it has none`);
        existing.exec = { command: [...command] };
      }
      return [...objects];
    },
  };
}

/** Gives a container a readiness probe it does not have (an exec probe, polled every `periodSeconds`). */
export function addReadinessProbe(
  container: string,
  command: readonly string[],
  reason: string,
  timing: { periodSeconds?: number; timeoutSeconds?: number; failureThreshold?: number } = {},
): Transform {
  return {
    name: `${container} readinessProbe exec ${command.join(' ')}: ${reason}`,
    apply: (objects) => {
      for (const found of containersNamed(objects, container)) {
        if (found.readinessProbe) throw new Error(`container ${container} already has a readiness probe`);
        found.readinessProbe = {
          exec: { command: [...command] },
          periodSeconds: timing.periodSeconds ?? 2,
          timeoutSeconds: timing.timeoutSeconds ?? 5,
          failureThreshold: timing.failureThreshold ?? 3,
        };
      }
      return [...objects];
    },
  };
}

/**
 * A StatefulSet's pod template gains an init container and the volumes it needs (from a
 * ConfigMap the same transform adds, or an emptyDir), and the main container gains env entries:
 * the shape of "an init container prepares the data directory" patterns.
 */
export function addInitContainer(
  statefulSet: string,
  init: Json & { name: string },
  reason: string,
  extra: { volumes?: readonly Json[]; objects?: readonly KubeObject[] } = {},
): Transform {
  return {
    name: `${statefulSet} init container ${init.name}: ${reason}`,
    apply: (objects) => {
      const set = requireOne(
        statefulSets([...objects]).filter((candidate) => candidate.metadata.name === statefulSet),
        `StatefulSet ${statefulSet}`,
      )[0]!;
      const spec = ((set.spec.template ??= {}).spec ??= {});
      spec.initContainers = [...(spec.initContainers ?? []), structuredClone(init) as unknown as Container];
      spec.volumes = [
        ...(spec.volumes ?? []),
        ...(structuredClone([...(extra.volumes ?? [])]) as PodSpec['volumes'] & []),
      ];
      return [...structuredClone([...(extra.objects ?? [])]), ...objects];
    },
  };
}

/** One field of a StatefulSet's spec, set as given (a guide's value the API server may refuse, e.g. podManagementPolicy). */
export function statefulSetField(statefulSet: string, field: string, value: unknown, reason: string): Transform {
  return {
    name: `${statefulSet} spec.${field} ${JSON.stringify(value)}: ${reason}`,
    apply: (objects) => {
      const set = requireOne(
        statefulSets([...objects]).filter((candidate) => candidate.metadata.name === statefulSet),
        `StatefulSet ${statefulSet}`,
      )[0]!;
      (set.spec as Json)[field] = structuredClone(value);
      return [...objects];
    },
  };
}

/** Mounts a volume of the pod template into a container (the volume must exist, e.g. one an init-container transform added). */
export function mountInContainer(container: string, mount: { name: string; mountPath: string }): Transform {
  return {
    name: `mount volume ${mount.name} at ${mount.mountPath} in ${container}`,
    apply: (objects) => {
      for (const found of containersNamed(objects, container))
        found.volumeMounts = [...(found.volumeMounts ?? []), { ...mount }];
      return [...objects];
    },
  };
}

/** Several transforms that make one change, under one name and reason. */
export function oneChange(name: string, parts: readonly Transform[]): Transform {
  return { name, apply: (objects) => applyTransforms(objects, parts) };
}

/** The StatefulSet under another name (a probe of what the API server accepts, beside the real one). */
export function renameStatefulSet(from: string, to: string): Transform {
  return {
    name: `StatefulSet ${from} renamed ${to}`,
    apply: (objects) => {
      const set = requireOne(
        statefulSets([...objects]).filter((candidate) => candidate.metadata.name === from),
        `StatefulSet ${from}`,
      )[0]!;
      set.metadata.name = to;
      return objects.filter((object) => object.kind === 'StatefulSet');
    },
  };
}
