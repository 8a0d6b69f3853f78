import { describe, expect, it } from 'vitest';
import { podIdentity, type ExpectedIdentity, type PodIdentityObservation } from './identity.js';
import { assertViolatedWith, kindsOf } from './verdict.js';

const NS = 'sts-dns';
const EXPECTED: ExpectedIdentity = { pods: ['web-0', 'web-1', 'web-2'], serviceName: 'web', namespace: NS };

/** What the StatefulSet controller gives each pod, and what `hostname -f` then prints. */
const controllerMade = (pod: string): PodIdentityObservation => ({
  pod,
  specHostname: pod,
  specSubdomain: 'web',
  fqdn: `${pod}.web.${NS}.svc.cluster.local`,
});

/** A bare pod of the same name: no hostname or subdomain in its spec, only its short name in /etc/hosts. */
const lookalike = (pod: string): PodIdentityObservation => ({ pod, fqdn: pod });

describe('podIdentity', () => {
  it('holds for pods the controller made', () => {
    const result = podIdentity(EXPECTED.pods.map(controllerMade), EXPECTED);
    expect(result).toMatchObject({ outcome: 'holds', violations: [], checked: '3 of 3 pod(s) observed' });
  });

  it('reports the three kinds for each bare pod of the same name (the negative control)', () => {
    const result = podIdentity(EXPECTED.pods.map(lookalike), EXPECTED);
    expect(result.outcome).toBe('violated');
    expect(kindsOf(result)).toEqual(['hostname-mismatch', 'subdomain-mismatch', 'fqdn-mismatch']);
    expect(result.violations).toHaveLength(9);
    expect(result.violations.slice(0, 3)).toEqual([
      { kind: 'hostname-mismatch', message: `Pod ${NS}/web-0 has spec.hostname null: expected "web-0"` },
      {
        kind: 'subdomain-mismatch',
        message: `Pod ${NS}/web-0 has spec.subdomain null: expected the governing Service "web"`,
      },
      {
        kind: 'fqdn-mismatch',
        message: `\`hostname -f\` in Pod ${NS}/web-0 printed "web-0": expected "web-0.web.${NS}.svc.cluster.local"`,
      },
    ]);
    expect(() =>
      assertViolatedWith(result, ['hostname-mismatch', 'subdomain-mismatch', 'fqdn-mismatch'], `pods in ${NS}`),
    ).not.toThrow();
  });

  it('a wrong subdomain is caught twice: in the spec, and in the FQDN it produces', () => {
    const observations = EXPECTED.pods
      .map(controllerMade)
      .map((observation) =>
        observation.pod === 'web-2'
          ? { ...observation, specSubdomain: 'nginx', fqdn: `web-2.nginx.${NS}.svc.cluster.local` }
          : observation,
      );
    const result = podIdentity(observations, EXPECTED);
    expect(result.violations).toEqual([
      {
        kind: 'subdomain-mismatch',
        message: `Pod ${NS}/web-2 has spec.subdomain "nginx": expected the governing Service "web"`,
      },
      {
        kind: 'fqdn-mismatch',
        message: `\`hostname -f\` in Pod ${NS}/web-2 printed "web-2.nginx.${NS}.svc.cluster.local": expected "web-2.web.${NS}.svc.cluster.local"`,
      },
    ]);
  });

  it('a hostname other than the pod name is caught', () => {
    const observations = EXPECTED.pods
      .map(controllerMade)
      .map((observation) => (observation.pod === 'web-1' ? { ...observation, specHostname: 'web' } : observation));
    expect(kindsOf(podIdentity(observations, EXPECTED))).toEqual(['hostname-mismatch']);
  });

  it('a failed `hostname -f` is a mismatch, and says why', () => {
    const observations = EXPECTED.pods
      .map(controllerMade)
      .map((observation) =>
        observation.pod === 'web-0'
          ? { ...observation, fqdn: undefined, fqdnNote: 'exit 1: hostname: web-0: Unknown host' }
          : observation,
      );
    expect(podIdentity(observations, EXPECTED).violations).toEqual([
      {
        kind: 'fqdn-mismatch',
        message: `\`hostname -f\` in Pod ${NS}/web-0 printed null (exit 1: hostname: web-0: Unknown host): expected "web-0.web.${NS}.svc.cluster.local"`,
      },
    ]);
  });

  it('a pod missing from the observations is an absence, not a pass, and no negative control can rest on it', () => {
    const result = podIdentity(['web-0', 'web-2'].map(controllerMade), EXPECTED);
    expect(result.checked).toBe('2 of 3 pod(s) observed');
    expect(result.violations).toEqual([{ kind: 'no-observations', message: `Pod ${NS}/web-1 was not observed` }]);
    expect(() => assertViolatedWith(result, ['no-observations'], `pods in ${NS}`)).toThrow(/absence kind/);
    expect(() => assertViolatedWith(result, ['hostname-mismatch'], `pods in ${NS}`)).toThrow(
      /must report hostname-mismatch/,
    );
  });

  it('honours another cluster domain', () => {
    const expected = { ...EXPECTED, clusterDomain: 'k8s.example' };
    const observations = EXPECTED.pods.map((pod) => ({
      ...controllerMade(pod),
      fqdn: `${pod}.web.${NS}.svc.k8s.example`,
    }));
    expect(podIdentity(observations, expected).holds).toBe(true);
    expect(kindsOf(podIdentity(EXPECTED.pods.map(controllerMade), expected))).toEqual(['fqdn-mismatch']);
  });
});
