'use strict';
// The Helm chart (helm/hubgate): helm lint --strict, then `helm template` with several value
// sets, the rendered objects parsed and checked (ports, probes, security, shutdown timing, the
// config it renders, secrets, optional objects) and the values the chart must refuse.

const assert = require('node:assert/strict');
const { test } = require('node:test');
const yaml = require('js-yaml');
const {
  CHART, FULL, helm, template, render, valueArgs, notes, container, envOf, hubgateYaml,
} = require('./lib/helm');
const { checkConfig, olderBinaryReason } = require('./lib/common');

// auth secret + Push API key and mTLS + ServiceMonitor + PDB.
const PRODUCTION = {
  auth: { hs256Secret: 'test-secret-0123456789' },
  pushApi: { key: 'push-key-0123456789', tls: { existingSecret: 'push-tls', requireClientCertificates: true } },
  tls: { existingSecret: 'web-tls' },
  serviceMonitor: { enabled: true, labels: { release: 'prometheus' } },
  podDisruptionBudget: { enabled: true, minAvailable: 1, maxUnavailable: '' },
};

test('helm lint --strict passes with the defaults and with every option on', async () => {
  // helm lint only logs a template's `fail` (level=INFO), so look for it too.
  const plain = await helm(['lint', '--strict', CHART]);
  assert.equal(plain.code, 0, plain.stdout + plain.stderr);
  assert.doesNotMatch(plain.stdout + plain.stderr, /funcMap fail/);
  const { args, cleanup } = valueArgs(PRODUCTION);
  try {
    const full = await helm(['lint', '--strict', CHART, ...args]);
    assert.equal(full.code, 0, full.stdout + full.stderr);
    assert.doesNotMatch(full.stdout + full.stderr, /funcMap fail/);
  } finally {
    cleanup();
  }
});

test('defaults: the objects rendered, and none of the optional ones', async () => {
  const r = await render();
  const kinds = r.objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
  assert.deepEqual(kinds, [
    `ConfigMap/${FULL}`, `Deployment/${FULL}`, `PodDisruptionBudget/${FULL}`,
    `Service/${FULL}`, `Service/${FULL}-admin`, `ServiceAccount/${FULL}`,
  ]);
  assert.equal(r.all('Secret').length, 0);
  assert.equal(r.all('HorizontalPodAutoscaler').length, 0);
  assert.equal(r.all('ServiceMonitor').length, 0);
  const deployment = r.one('Deployment', FULL);
  assert.equal(deployment.spec.replicas, 1);
  assert.equal(deployment.metadata.labels['app.kubernetes.io/name'], 'hubgate');
  for (const o of r.objects) {
    assert.equal(o.metadata.labels['app.kubernetes.io/instance'], 'gw', `${o.kind} labels`);
  }
  const c = container(r);
  assert.equal(c.image, 'hubgate:0.1.0');
  assert.deepEqual(c.args, ['--config=/etc/hubgate/hubgate.yaml']);
  assert.equal(c.env, undefined, 'no environment without auth or redis');
});

test('defaults: named ports on the container and on the services', async () => {
  const r = await render();
  const c = container(r);
  assert.deepEqual(c.ports.map((p) => [p.name, p.containerPort]),
    [['http', 8080], ['grpc', 50051], ['admin', 9090]]);
  const svc = r.one('Service', FULL);
  assert.deepEqual(svc.spec.ports.map((p) => [p.name, p.port, p.targetPort]),
    [['http', 8080, 'http'], ['grpc', 50051, 'grpc']]);
  assert.equal(svc.spec.ports.find((p) => p.name === 'grpc').appProtocol, 'grpc');
  const admin = r.one('Service', `${FULL}-admin`);
  assert.equal(admin.spec.type, 'ClusterIP');
  assert.deepEqual(admin.spec.ports.map((p) => [p.name, p.port, p.targetPort]),
    [['admin', 9090, 'admin']]);
  const podLabels = r.one('Deployment', FULL).spec.template.metadata.labels;
  for (const s of [svc, admin]) {
    for (const [k, v] of Object.entries(s.spec.selector)) assert.equal(podLabels[k], v, k);
  }
});

test('defaults: probes on the admin port (/healthz, /readyz)', async () => {
  const c = container(await render());
  assert.deepEqual(c.livenessProbe.httpGet, { path: '/healthz', port: 'admin' });
  assert.deepEqual(c.readinessProbe.httpGet, { path: '/readyz', port: 'admin' });
  assert.deepEqual(c.startupProbe.httpGet, { path: '/healthz', port: 'admin' });
  const off = container(await render({ probes: { startup: { enabled: false } } }));
  assert.equal(off.startupProbe, undefined);
});

test('defaults: non-root, read-only root filesystem, no capabilities, RuntimeDefault seccomp', async () => {
  const r = await render();
  const pod = r.one('Deployment', FULL).spec.template.spec;
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.equal(pod.securityContext.runAsUser, 10001);
  assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
  assert.equal(pod.automountServiceAccountToken, false);
  const sc = container(r).securityContext;
  assert.equal(sc.runAsNonRoot, true);
  assert.equal(sc.runAsUser, 10001);
  assert.equal(sc.readOnlyRootFilesystem, true);
  assert.equal(sc.allowPrivilegeEscalation, false);
  assert.deepEqual(sc.capabilities.drop, ['ALL']);
  assert.equal(sc.seccompProfile.type, 'RuntimeDefault');
  // With a read-only root, /tmp is an emptyDir and the config a read-only mount.
  const mounts = Object.fromEntries(container(r).volumeMounts.map((m) => [m.mountPath, m]));
  assert.equal(mounts['/etc/hubgate'].readOnly, true);
  assert.ok(mounts['/tmp']);
  assert.ok(pod.volumes.find((v) => v.name === 'tmp').emptyDir);
});

test('terminationGracePeriodSeconds = preStop sleep + shutdown deadline + margin', async () => {
  const r = await render();
  const pod = r.one('Deployment', FULL).spec.template.spec;
  assert.equal(pod.terminationGracePeriodSeconds, 25 + 5);
  assert.equal(container(r).lifecycle, undefined, 'no preStop hook by default');
  const slow = await render({ shutdown: { drainWindowSeconds: 30, deadlineSeconds: 40,
    terminationMarginSeconds: 10, preStopSleepSeconds: 5 } });
  assert.equal(slow.one('Deployment', FULL).spec.template.spec.terminationGracePeriodSeconds,
    5 + 40 + 10);
  assert.deepEqual(container(slow).lifecycle.preStop.exec.command, ['sleep', '5']);
  const cfg = yaml.load(hubgateYaml(slow));
  assert.deepEqual(cfg.shutdown, { drain_window: '30s', deadline: '40s' });
});

test('the ConfigMap holds hubgate.yaml: values.config plus the listen addresses and shutdown', async () => {
  const cfg = yaml.load(hubgateYaml(await render()));
  assert.equal(cfg.admin.listen, '0.0.0.0:9090');
  assert.equal(cfg.http.listen, '0.0.0.0:8080');
  assert.equal(cfg.grpc.listen, '0.0.0.0:50051');
  assert.deepEqual(cfg.shutdown, { drain_window: '10s', deadline: '25s' });
  assert.deepEqual(cfg.log, { level: 'info', format: 'json' });
  assert.deepEqual(cfg.hubs, [{ name: 'posts', path: '/hubs/posts' }]);
  assert.equal(cfg.auth, undefined);

  const custom = await render({
    ports: { http: 8081, admin: 9191 },
    config: {
      http: { static_dir: '/usr/share/hubgate/demo' },
      hubs: [{ name: 'clinical', require_auth: true, max_queued_bytes: 104857600,
        keep_alive_interval: '10s', backend_target: 'dns:///clinical:50061' }],
      auth: { issuer: 'https://login.example' },
    },
  });
  const text = hubgateYaml(custom);
  assert.match(text, /max_queued_bytes: 104857600\n/, 'large integers stay integers');
  const c2 = yaml.load(text);
  assert.deepEqual(c2.http, { listen: '0.0.0.0:8081', static_dir: '/usr/share/hubgate/demo' });
  assert.equal(c2.admin.listen, '0.0.0.0:9191');
  assert.equal(c2.hubs[0].keep_alive_interval, '10s');
  assert.equal(c2.auth.issuer, 'https://login.example');
  const ports = container(custom).ports.map((p) => [p.name, p.containerPort]);
  assert.deepEqual(ports, [['http', 8081], ['grpc', 50051], ['admin', 9191]]);
});

test('a configuration change changes the pod template checksum (pods roll)', async () => {
  const checksum = async (values) =>
    (await render(values)).one('Deployment', FULL).spec.template.metadata.annotations['checksum/config'];
  const a = await checksum({});
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.equal(await checksum({}), a, 'stable for the same values');
  assert.notEqual(await checksum({ config: { log: { level: 'debug' } } }), a);
  assert.notEqual(await checksum({ shutdown: { drainWindowSeconds: 5 } }), a);
});

test('auth secret + Push API key and mTLS + ServiceMonitor + PDB', async () => {
  const r = await render(PRODUCTION);
  const secret = r.one('Secret', `${FULL}-auth`);
  assert.equal(Buffer.from(secret.data['hs256-secret'], 'base64').toString(), 'test-secret-0123456789');
  assert.doesNotMatch(hubgateYaml(r), /test-secret/, 'the secret stays out of the ConfigMap');
  const env = envOf(container(r));
  assert.deepEqual(env.HUBGATE_AUTH_HS256_SECRET.valueFrom.secretKeyRef,
    { name: `${FULL}-auth`, key: 'hs256-secret' });
  const annotations = r.one('Deployment', FULL).spec.template.metadata.annotations;
  assert.match(annotations['checksum/secret'], /^[0-9a-f]{64}$/);

  const deployment = r.one('Deployment', FULL);
  assert.equal(deployment.spec.replicas, 1);
  assert.equal(r.all('HorizontalPodAutoscaler').length, 0);
  const pushApi = yaml.load(hubgateYaml(r)).push_api;
  assert.deepEqual(pushApi.tls, {
    cert_file: '/var/run/hubgate/push-api-tls/tls.crt',
    key_file: '/var/run/hubgate/push-api-tls/tls.key',
    client_ca_file: '/var/run/hubgate/push-api-tls/ca.crt',
  });
  const volumes = Object.fromEntries(deployment.spec.template.spec.volumes.map((v) => [v.name, v]));
  assert.equal(volumes['push-api-tls'].secret.secretName, 'push-tls');
  assert.deepEqual(yaml.load(hubgateYaml(r)).http.tls, {
    cert_file: '/var/run/hubgate/http-tls/tls.crt',
    key_file: '/var/run/hubgate/http-tls/tls.key',
  });
  assert.equal(volumes['http-tls'].secret.secretName, 'web-tls');
  const mounts = Object.fromEntries(container(r).volumeMounts.map((m) => [m.name, m]));
  assert.equal(mounts['http-tls'].mountPath, '/var/run/hubgate/http-tls');
  assert.equal(mounts['http-tls'].subPath, undefined, 'a directory mount, so renewals arrive');

  const sm = r.one('ServiceMonitor', FULL);
  assert.equal(sm.apiVersion, 'monitoring.coreos.com/v1');
  assert.equal(sm.metadata.labels.release, 'prometheus');
  assert.deepEqual(sm.spec.endpoints.map((e) => [e.port, e.path]), [['admin', '/metrics']]);
  const admin = r.one('Service', `${FULL}-admin`);
  for (const [k, v] of Object.entries(sm.spec.selector.matchLabels)) {
    assert.equal(admin.metadata.labels[k], v, `ServiceMonitor selects the admin service (${k})`);
  }
  const main = r.one('Service', FULL);
  assert.ok(Object.entries(sm.spec.selector.matchLabels).some(([k, v]) => main.metadata.labels[k] !== v),
    'the ServiceMonitor does not select the main service');

  const pdb = r.one('PodDisruptionBudget', FULL);
  assert.equal(pdb.spec.minAvailable, 1);
  assert.equal(pdb.spec.maxUnavailable, undefined);
  assert.deepEqual(pdb.spec.selector.matchLabels, deployment.spec.selector.matchLabels);
});

test('auth.existingSecret: referenced, no Secret rendered', async () => {
  const r = await render({ auth: { existingSecret: 'push-jwt', existingSecretKey: 'key' } });
  assert.equal(r.all('Secret').length, 0);
  assert.deepEqual(envOf(container(r)).HUBGATE_AUTH_HS256_SECRET.valueFrom.secretKeyRef,
    { name: 'push-jwt', key: 'key' });
  const annotations = r.one('Deployment', FULL).spec.template.metadata.annotations;
  assert.equal(annotations['checksum/secret'], undefined);
});

test('pushApi.key: a Secret mounted as a directory and configured as a key file', async () => {
  const r = await render({ pushApi: { key: 'push-key-0123456789', keyName: 'backends' } });
  const secret = r.one('Secret', `${FULL}-push-api`);
  assert.equal(Buffer.from(secret.data['push-api-key'], 'base64').toString(), 'push-key-0123456789');
  assert.doesNotMatch(hubgateYaml(r), /push-key-0123456789/, 'the key stays out of the ConfigMap');
  const config = yaml.load(hubgateYaml(r));
  assert.deepEqual(config.push_api,
    { keys: [{ name: 'backends', key_file: '/var/run/hubgate/push-api-key/key' }] });
  const pod = r.one('Deployment', FULL).spec.template.spec;
  const volume = pod.volumes.find((v) => v.name === 'push-api-key');
  assert.deepEqual(volume.secret, { secretName: `${FULL}-push-api`,
    items: [{ key: 'push-api-key', path: 'key' }] });
  const mount = container(r).volumeMounts.find((m) => m.name === 'push-api-key');
  assert.equal(mount.mountPath, '/var/run/hubgate/push-api-key');
  assert.equal(mount.subPath, undefined, 'a subPath mount would never see a rotated key');
  assert.equal(r.all('HorizontalPodAutoscaler').length, 0);
});

test('pushApi.existingSecret: referenced, no Secret rendered, scoped keys from config kept', async () => {
  const r = await render({
    pushApi: { existingSecret: 'push-keys', existingSecretKey: 'main' },
    config: { push_api: { keys: [{ name: 'notifier', key_file: '/keys/notifier', operations: ['send'] }] } },
    extraVolumes: [{ name: 'keys', secret: { secretName: 'scoped-keys' } }],
    extraVolumeMounts: [{ name: 'keys', mountPath: '/keys', readOnly: true }],
  });
  assert.equal(r.all('Secret').length, 0);
  const pod = r.one('Deployment', FULL).spec.template.spec;
  assert.deepEqual(pod.volumes.find((v) => v.name === 'push-api-key').secret,
    { secretName: 'push-keys', items: [{ key: 'main', path: 'key' }] });
  assert.equal(pod.volumes.find((v) => v.name === 'keys').secret.secretName, 'scoped-keys');
  assert.equal(container(r).volumeMounts.find((m) => m.name === 'keys').mountPath, '/keys');
  assert.deepEqual(yaml.load(hubgateYaml(r)).push_api.keys.map((k) => k.name), ['notifier', 'backends']);
});

test('NOTES: a warning without a Push API credential, the key hint with one', async () => {
  assert.match(await notes({}), /WARNING: the Push API has no credential/);
  const keyed = await notes({ pushApi: { key: 'k-0123456789' } });
  assert.doesNotMatch(keyed, /WARNING: the Push API/);
  assert.match(keyed, /Secret gw-hubgate-push-api \(push-api-key\)/);
  assert.doesNotMatch(keyed, /k-0123456789/);
});

test('extraEnv, image tag and pod annotations pass through', async () => {
  const r = await render({ image: { repository: 'registry.example/hubgate', tag: 'v9' },
    extraEnv: [{ name: 'HUBGATE_LOG_LEVEL', value: 'debug' }], podAnnotations: { team: 'push' } });
  const c = container(r);
  assert.equal(c.image, 'registry.example/hubgate:v9');
  assert.equal(envOf(c).HUBGATE_LOG_LEVEL.value, 'debug');
  assert.equal(r.one('Deployment', FULL).spec.template.metadata.annotations.team, 'push');
});

const REFUSED = [
  ['both Push API key sources', { pushApi: { key: 'a', existingSecret: 'b' } }, /pushApi.key or pushApi.existingSecret, not both/],
  ['an inline Push API key in the ConfigMap', { config: { push_api: { keys: [{ name: 'k', key: 'secret' }] } } },
    /config.push_api.keys\[0\] has an inline key/],
  ['Push API TLS in config', { config: { push_api: { tls: { cert_file: '/x' } } } },
    /do not set config.push_api.tls/],
  ['HTTP TLS in config', { config: { http: { tls: { cert_file: '/x' } } } },
    /do not set config.http.tls; use tls.existingSecret/],
  ['admin TLS in config', { config: { admin: { tls: { cert_file: '/x' } } } },
    /do not set config.admin.tls/],
  ['mTLS without a TLS Secret', { pushApi: { tls: { requireClientCertificates: true } } },
    /requireClientCertificates needs pushApi.tls.existingSecret/],
  ['both secrets', { auth: { hs256Secret: 'a', existingSecret: 'b' } }, /not both/],
  ['the secret in the ConfigMap', { config: { auth: { hs256_secret: 'a' } } },
    /do not put config.auth.hs256_secret/],
  ['a listen address in config', { config: { admin: { listen: '0.0.0.0:1' } } },
    /do not set config.admin.listen/],
  ['shutdown in config', { config: { shutdown: { deadline: '5s' } } }, /do not set config.shutdown/],
  ['drain window not below the deadline', { shutdown: { drainWindowSeconds: 25 } },
    /drainWindowSeconds must be less than shutdown.deadlineSeconds/],
  ['PDB minAvailable and maxUnavailable', { podDisruptionBudget: { minAvailable: 1, maxUnavailable: 1 } },
    /not both/],
  ['ServiceMonitor without the admin service',
    { serviceMonitor: { enabled: true }, adminService: { enabled: false } }, /needs adminService.enabled/],
];
for (const [name, values, message] of REFUSED) {
  test(`refused: ${name}`, async () => {
    const r = await template(values);
    assert.notEqual(r.code, 0, `helm template should fail:\n${r.stdout}`);
    assert.match(r.stderr, message);
  });
}

test('hubgate --check_config accepts the rendered configuration', async (t) => {
  // Without the Push API and HTTP TLS files, which exist only in the pod (--check_config opens
  // them).
  const r = await render({
    ...PRODUCTION,
    pushApi: { allowUnauthenticatedRemote: true, tls: {} },
    tls: {},
  });
  const text = hubgateYaml(r);
  const result = await checkConfig(text, { HUBGATE_AUTH_HS256_SECRET: 'from-the-secret' });
  if (result === null) {
    t.skip('no hubgate binary (build the release preset or set HUBGATE_BIN)');
    return;
  }
  const older = result.code !== 0 && olderBinaryReason(result);
  if (older) {
    t.skip(older);
    return;
  }
  assert.equal(result.code, 0, `${result.stdout}${result.stderr}\n--- config:\n${text}`);
});
