import { randomBytes } from 'node:crypto';
import type { ReadBack } from '../invariants/data.js';
import { execInPod } from '../kube/exec.js';
import type { KubeObject } from '../kube/manifests.js';
import type { WorkloadContext } from './context.js';
import { firstLines, podExec } from './db-exec.js';
import type { AdaptedFixture } from './fixtures.js';
import {
  applyGuideFixture,
  correction,
  environment,
  GuideStatefulSet,
  LedgerBook,
  type GuideSetShape,
} from './guide-workload.js';
import { MongoAdapter } from './mongo.js';
import { capCpuRequests, expandHeredoc, probeCommand, type Transform } from './transforms.js';

/**
 * The objects of the complete guide's MongoDB script (fixtures/guides/complete-guide/mongodb-cluster.yaml:
 * ConfigMap mongodb-config, Secret mongodb-secret, Services mongo and mongo-primary, StatefulSet
 * mongo) and the guide's own commands against them. What a stand-in for mongo:6.0 cannot show
 * (replica sets, keyfiles, --auth) is for the scenario to say, never to judge from it.
 */
export const MONGO_SHAPE: GuideSetShape = {
  name: 'mongo',
  serviceName: 'mongo',
  claimTemplate: 'mongodb-data',
  container: 'mongodb',
  selector: 'app=mongodb',
};

const FIXTURE = 'guides/complete-guide/mongodb-cluster.yaml';
/** The guide's probes with the shell mongo:6.0 has: the same --eval expressions, mongosh instead of mongo. */
const LIVENESS = ['mongosh', '--eval', "db.adminCommand('ping')"];
const READINESS = ['mongosh', '--eval', "db.runCommand('ismaster').ismaster"];

export interface MongoSetOptions {
  /** The corrections that make the guide's set run: mongosh probes (and time for them), a key in the base64 alphabet. */
  readonly madeToWork?: boolean;
}

/** Probe periods and timeouts: mongosh is a Node program that takes seconds to start on a busy 2-core node. */
function probeTiming(): Transform {
  return {
    name: 'probe timing for a Node-based shell: readiness every 10s, liveness every 30s, each with 20s to answer (the guide: 5s/3s and 10s/5s)',
    apply: (objects) => {
      for (const object of objects) {
        if (object.kind !== 'StatefulSet') continue;
        const containers = (object.spec as { template: { spec: { containers: Array<Record<string, unknown>> } } })
          .template.spec.containers;
        for (const container of containers) {
          const readiness = container.readinessProbe as Record<string, number> | undefined;
          const liveness = container.livenessProbe as Record<string, number> | undefined;
          if (readiness) Object.assign(readiness, { periodSeconds: 10, timeoutSeconds: 20 });
          if (liveness) Object.assign(liveness, { periodSeconds: 30, timeoutSeconds: 20 });
        }
      }
      return [...objects];
    },
  };
}

/** The replica-set key, re-encoded in the base64 alphabet MongoDB requires of a key file. */
function base64Key(): Transform {
  return {
    name: "Secret mongodb-secret key mongodb-replica-set-key base64-encoded: mongod accepts only base64 characters in a key file (read in mongod's security_file.cpp), and the guide's key has '-'; the FerretDB stand-in ignores --keyFile, so this run does not exercise it",
    apply: (objects) =>
      objects.map((object) => {
        if (object.kind !== 'Secret' || object.metadata.name !== 'mongodb-secret') return object;
        const data = (object as KubeObject & { stringData: Record<string, string> }).stringData;
        const key = data['mongodb-replica-set-key'] ?? '';
        return { ...object, stringData: { ...data, 'mongodb-replica-set-key': Buffer.from(key).toString('base64') } };
      }),
  };
}

/** What a shell command in a pod did: it may not start at all (a binary the image does not have). */
export interface ShellOutcome {
  readonly started: boolean;
  readonly exitCode?: number;
  readonly output: string;
}

export class GuideMongo extends GuideStatefulSet {
  static async deploy(
    context: WorkloadContext,
    options: MongoSetOptions = {},
  ): Promise<{ mongo: GuideMongo; fixture: AdaptedFixture }> {
    const transforms: Transform[] = [
      environment(expandHeredoc({ NAMESPACE: context.namespace.name })),
      environment(
        capCpuRequests(100, 'three pods of 500m do not fit a 2-core node next to its control plane and other work'),
      ),
    ];
    if (options.madeToWork)
      transforms.push(
        correction(
          probeCommand('mongodb', 'livenessProbe', LIVENESS, 'mongo:6.0 ships mongosh; it has no legacy mongo shell'),
        ),
        correction(
          probeCommand('mongodb', 'readinessProbe', READINESS, 'mongo:6.0 ships mongosh; it has no legacy mongo shell'),
        ),
        environment(probeTiming()),
        correction(base64Key()),
      );
    const fixture = await applyGuideFixture(context, FIXTURE, transforms);
    return { mongo: new GuideMongo(context, MONGO_SHAPE), fixture };
  }

  /** mongosh in mongo-<ordinal>'s container, to its own server or to `host`. */
  adapter(ordinal: number, host?: string): MongoAdapter {
    return new MongoAdapter(podExec(this.ns, this.podName(ordinal), { container: 'mongodb', timeoutMs: 60_000 }), {
      host,
    });
  }

  waitAccepting(ordinal: number): Promise<void> {
    return this.adapter(ordinal).waitUntilAccepting(180_000);
  }

  /**
   * A command of the guide's script, run in mongo-<ordinal>'s container as `kubectl exec` does:
   * whether it started at all, its exit code and output.
   */
  async shell(ordinal: number, command: readonly string[]): Promise<ShellOutcome> {
    try {
      const result = await execInPod(this.ns, this.podName(ordinal), command, {
        container: 'mongodb',
        timeoutMs: 60_000,
      });
      return { started: true, exitCode: result.exitCode, output: `${result.stdout}${result.stderr}`.trim() };
    } catch (error) {
      return { started: false, output: error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error) };
    }
  }

  /** Mode and owner of a file in the main container (`stat -c '%a %u:%g'`). */
  async fileMode(ordinal: number, path: string): Promise<string> {
    const outcome = await this.shell(ordinal, ['stat', '-c', '%a %u:%g', path]);
    return outcome.started && outcome.exitCode === 0 ? outcome.output : `(${firstLines(outcome.output, 1)})`;
  }

  async openLedger(ordinal: number): Promise<LedgerBook> {
    await this.adapter(ordinal).ensureLedger();
    return new LedgerBook(`${this.podName(ordinal)} sts_ledger.ledger`, `doc-${ordinal}`);
  }

  writeRows(ordinal: number, book: LedgerBook, count: number): Promise<number> {
    const adapter = this.adapter(ordinal);
    return book.write(count, (id) => adapter.writeLedgerRow(id));
  }

  async readLedger(ordinal: number, from = this.podName(ordinal)): Promise<ReadBack> {
    try {
      return { from, ids: await this.adapter(ordinal).readLedgerIds() };
    } catch {
      return { from, ids: undefined };
    }
  }

  /** A marker document in its own database: written once, read to prove the same data directory. */
  async writeMarker(ordinal: number): Promise<string> {
    const marker = `${this.podName(ordinal)}-${randomBytes(6).toString('hex')}`;
    await this.adapter(ordinal).value(
      `db.getSiblingDB('sts_marker').marker.insertOne({ _id: 'marker', value: ${JSON.stringify(marker)} }); return true;`,
      'write the marker',
    );
    return marker;
  }

  async readMarker(ordinal: number): Promise<string | undefined> {
    return this.adapter(ordinal)
      .value<string | null>(
        "const m = db.getSiblingDB('sts_marker').marker.findOne({ _id: 'marker' }); return m ? m.value : null;",
        'read the marker',
      )
      .then((value) => value ?? undefined)
      .catch(() => undefined);
  }
}
