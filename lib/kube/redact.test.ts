import { describe, expect, it } from 'vitest';
import { parseManifests } from './manifests.js';
import { Redactor, sensitiveLiterals } from './redact.js';

const objects = parseManifests(
  [
    'apiVersion: v1',
    'kind: Secret',
    'metadata: {name: db}',
    'data: {password: c3VwZXJzZWNyZXQ=}',
    'stringData: {token: tok-12345}',
    '---',
    'apiVersion: apps/v1',
    'kind: StatefulSet',
    'metadata: {name: mysql}',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '      - name: mysql',
    '        env:',
    '        - {name: MYSQL_ROOT_PASSWORD, value: hunter22}',
    '        - {name: MYSQL_DATABASE, value: shop}',
  ].join('\n'),
  'secret-test.yaml',
);

describe('Redactor', () => {
  const redactor = new Redactor().learn(objects);

  it('replaces Secret values and sensitive env literals in attached manifests', () => {
    const text = JSON.stringify(redactor.redactObjects(objects));
    for (const secret of ['c3VwZXJzZWNyZXQ=', 'supersecret', 'tok-12345', 'hunter22'])
      expect(text).not.toContain(secret);
    expect(text).toContain('shop');
  });

  it('leaves the originals alone', () => {
    expect(JSON.stringify(objects)).toContain('hunter22');
  });

  it('scrubs the same values, decoded too, from logs', () => {
    expect(redactor.scrub('login root/hunter22 ok; secret=supersecret; token tok-12345')).toBe(
      'login root/<redacted> ok; secret=<redacted>; token <redacted>',
    );
  });
});

describe('sensitiveLiterals', () => {
  it('treats references as references: secretName, secretKeyRef, $VAR, a password file path', () => {
    const { literals } = sensitiveLiterals(
      [
        {
          kind: 'StatefulSet',
          metadata: { name: 'db' },
          spec: {
            template: {
              spec: {
                containers: [
                  {
                    env: [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }],
                    command: ['sh', '-c', 'mysql -uroot -p"$MYSQL_ROOT_PASSWORD" -P3306 && psql "password=$PGPASS"'],
                    args: ['--password-file=/etc/pw'],
                  },
                ],
                volumes: [{ name: 'creds', secret: { secretName: 'db-credentials' } }],
              },
            },
          },
        },
        {
          kind: 'ConfigMap',
          metadata: { name: 'cfg' },
          data: { passwordFile: '/etc/pw', 'my.cnf': 'password = cnf-secret-9' },
        },
      ],
      'f.yaml',
    );
    expect(literals.map((literal) => literal.value)).toEqual(['cnf-secret-9']);
  });
});

describe('sensitiveLiterals in documents that are not one object', () => {
  it("finds a Secret inside a wrapper's objects (a fixture correction) and names it as a Secret", () => {
    const { literals } = sensitiveLiterals(
      [
        {
          objects: [
            {
              apiVersion: 'v1',
              kind: 'Secret',
              metadata: { name: 'mysql-secrets' },
              stringData: { 'root-password': 'cluster-root-Zr5m1' },
            },
          ],
        },
      ],
      'fixtures/corrections/mysql-secret.yaml',
    );
    expect(literals).toEqual([
      {
        value: 'cluster-root-Zr5m1',
        where: 'Secret mysql-secrets stringData.root-password in fixtures/corrections/mysql-secret.yaml',
      },
    ]);
  });
});
