import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterLayout } from './cluster-layout.js';
import { apiServerArgs, controllerManagerArgs, etcdArgs } from './component-flags.js';

const layout = clusterLayout('/c');
const ports = { etcdClient: 2379, etcdPeer: 2380, apiServer: 6443, controllerManager: 10257 };

/** --flag=value pairs as a map; fails on a flag given twice. */
function flags(args: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const arg of args) {
    const match = /^--([^=]+)=(.*)$/.exec(arg);
    assert.ok(match, `${arg} is not --flag=value`);
    assert.ok(!map.has(match[1]!), `--${match[1]} given twice`);
    map.set(match[1]!, match[2]!);
  }
  return map;
}

describe('component flags', () => {
  it('bind everything to 127.0.0.1 only', () => {
    const all = [
      ...etcdArgs(layout, ports),
      ...apiServerArgs(layout, ports),
      ...controllerManagerArgs(layout, ports),
    ];
    for (const arg of all.filter((a) => /(url|address)s?=/.test(a))) {
      assert.match(arg, /=(\w+=)?(http:\/\/)?127\.0\.0\.1(:\d+)?$/, arg);
    }
  });

  it('point the API server at etcd, the PKI, RBAC and ServiceAccount token issuing', () => {
    const api = flags(apiServerArgs(layout, ports));
    assert.equal(api.get('etcd-servers'), 'http://127.0.0.1:2379');
    assert.equal(api.get('secure-port'), '6443');
    assert.equal(api.get('client-ca-file'), '/c/pki/ca.crt');
    assert.equal(api.get('tls-cert-file'), '/c/pki/apiserver.crt');
    assert.match(api.get('authorization-mode')!, /\bRBAC\b/);
    assert.equal(api.get('service-account-issuer'), 'https://kubernetes.default.svc.cluster.local');
    assert.equal(api.get('api-audiences'), api.get('service-account-issuer'));
    assert.equal(api.get('service-account-key-file'), '/c/pki/sa.pub');
    assert.equal(api.get('service-account-signing-key-file'), '/c/pki/sa.key');
    assert.equal(api.get('service-cluster-ip-range'), '10.96.0.0/16');
    assert.equal(api.get('requestheader-allowed-names'), 'front-proxy-client');
    // Webhook admission stays at its defaults (on): nothing disables plugins.
    assert.equal(api.get('disable-admission-plugins'), undefined);
  });

  it('run the controllers a Deployment needs, with per-controller credentials', () => {
    const manager = flags(controllerManagerArgs(layout, ports));
    assert.equal(manager.get('kubeconfig'), '/c/controller-manager.kubeconfig');
    assert.equal(manager.get('use-service-account-credentials'), 'true');
    assert.equal(manager.get('service-account-private-key-file'), '/c/pki/sa.key');
    assert.equal(manager.get('root-ca-file'), '/c/pki/ca.crt');
    assert.equal(manager.get('leader-elect'), 'false');
    const controllers = manager.get('controllers')!.split(',');
    assert.equal(controllers[0], '*');
    for (const needed of ['deployment-controller', 'replicaset-controller', 'serviceaccount-controller']) {
      assert.ok(!controllers.includes(`-${needed}`), `${needed} disabled`);
    }
    assert.ok(controllers.includes('-node-lifecycle-controller'));
  });

  it('keep etcd data in the cluster directory and cluster etcd with itself only', () => {
    const store = flags(etcdArgs(layout, ports));
    assert.equal(store.get('data-dir'), '/c/etcd');
    assert.equal(store.get('initial-cluster'), 'agent-governor=http://127.0.0.1:2380');
    assert.equal(store.get('listen-client-urls'), 'http://127.0.0.1:2379');
  });
});
