import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hostsLineFor } from './pod-identity.js';

/** /etc/hosts as the kubelet (v1.34) wrote it in a kind cluster, namespace "rec-hosts-scratch". */
const recorded = (name: string) =>
  readFileSync(new URL(`./testdata/kubelet-etc-hosts-${name}.txt`, import.meta.url), 'utf8');

describe('hostsLineFor on recorded kubelet-managed /etc/hosts', () => {
  it('a StatefulSet pod (spec.subdomain set): the FQDN comes first, which is what `hostname -f` prints', () => {
    expect(hostsLineFor(recorded('subdomain'), 'web-0')).toBe(
      '10.244.0.22 web-0.web.rec-hosts-scratch.svc.cluster.local web-0',
    );
  });

  it('a bare pod (no subdomain): only its short name, so `hostname -f` prints that', () => {
    expect(hostsLineFor(recorded('no-subdomain'), 'bare-0')).toBe('10.244.0.21 bare-0');
  });

  it('ignores comments and the loopback names, and says when there is no line', () => {
    expect(hostsLineFor(recorded('subdomain'), 'Kubernetes-managed')).toBeUndefined();
    expect(hostsLineFor(recorded('subdomain'), 'web-1')).toBeUndefined();
    expect(hostsLineFor(recorded('subdomain'), 'ip6-loopback')).toBe('::1 localhost ip6-localhost ip6-loopback');
  });
});
