'use strict';
// The Helm chart with several replicas on the Redis backplane (docs/scale-out.md): the
// `backplane:` section in the ConfigMap, the per-pod environment (advertise address, replica id,
// token secret, Redis password), the token Secret, the optional trial Redis, the rolling update,
// PDB and HPA for several replicas, and the values the chart refuses.

const assert = require('node:assert/strict');
const { test } = require('node:test');
const yaml = require('js-yaml');
const {
  CHART, FULL, helm, template, render, valueArgs, notes, container, envOf, hubgateYaml,
} = require('./lib/helm');
const { checkConfig, olderBinaryReason } = require('./lib/common');

const TOKEN_SECRET = 'token-secret-0123456789abcdef0123456789';
const REDIS = `${FULL}-redis`;

// Three replicas on an external Redis Cluster with an ACL user and a password Secret.
const EXTERNAL = {
  replicaCount: 3,
  backplane: {
    redis: {
      addresses: ['redis-0.redis:6379', 'redis-1.redis:6379', '10.0.0.7:6380'],
      cluster: true,
      user: 'hubgate',
      existingSecret: 'redis-auth',
    },
    channelPrefix: 'push',
    tokenSecret: TOKEN_SECRET,
  },
};

// Three replicas on the Redis the chart deploys for trials.
const TRIAL = { replicaCount: 3, redis: { enabled: true }, backplane: { tokenSecret: TOKEN_SECRET } };

const backplaneOf = (r) => yaml.load(hubgateYaml(r)).backplane;
const deploymentOf = (r) => r.one('Deployment', FULL);
const matches = (selector, labels) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

test('helm lint --strict passes with the backplane, the trial Redis and autoscaling', async () => {
  for (const values of [EXTERNAL, { ...TRIAL, autoscaling: { enabled: true } }]) {
    const { args, cleanup } = valueArgs(values);
    try {
      const r = await helm(['lint', '--strict', CHART, ...args]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      // helm lint only logs a template's `fail` (level=INFO), so look for it.
      assert.doesNotMatch(r.stdout + r.stderr, /funcMap fail/);
    } finally {
      cleanup();
    }
  }
});

test('3 replicas on an external Redis: the backplane section, without any secret', async () => {
  const r = await render(EXTERNAL);
  assert.equal(deploymentOf(r).spec.replicas, 3);
  assert.deepEqual(backplaneOf(r), {
    type: 'redis',
    addresses: ['redis-0.redis:6379', 'redis-1.redis:6379', '10.0.0.7:6380'],
    cluster: true,
    channel_prefix: 'push',
    user: 'hubgate',
  });
  assert.doesNotMatch(hubgateYaml(r), new RegExp(TOKEN_SECRET), 'the token stays out of the ConfigMap');
  assert.equal(r.all('Deployment').length, 1, 'no Redis deployed');
  assert.equal(r.all('HorizontalPodAutoscaler').length, 0);
});

test('the pod environment: POD_IP, advertise address, replica id, token secret, Redis password', async () => {
  const r = await render({ ...EXTERNAL, ports: { http: 8081 } });
  const c = container(r);
  const env = envOf(c);
  assert.deepEqual(env.POD_IP.valueFrom.fieldRef, { fieldPath: 'status.podIP' });
  assert.equal(env.HUBGATE_BACKPLANE_ADVERTISE_ADDRESS.value, '$(POD_IP):8081');
  const names = c.env.map((e) => e.name);
  assert.ok(names.indexOf('POD_IP') < names.indexOf('HUBGATE_BACKPLANE_ADVERTISE_ADDRESS'),
    'Kubernetes expands $(POD_IP) only from a variable defined before');
  assert.deepEqual(env.HUBGATE_BACKPLANE_REPLICA_ID.valueFrom.fieldRef,
    { fieldPath: 'metadata.name' });
  assert.deepEqual(env.HUBGATE_BACKPLANE_TOKEN_SECRET.valueFrom.secretKeyRef,
    { name: `${FULL}-backplane`, key: 'token-secret' });
  assert.deepEqual(env.HUBGATE_BACKPLANE_PASSWORD.valueFrom.secretKeyRef,
    { name: 'redis-auth', key: 'redis-password' });
});

test('backplane.advertiseAddress: brackets for IPv6 pod addresses', async () => {
  const r = await render({ ...EXTERNAL,
    backplane: { ...EXTERNAL.backplane, advertiseAddress: '[$(POD_IP)]:8080' } });
  assert.equal(envOf(container(r)).HUBGATE_BACKPLANE_ADVERTISE_ADDRESS.value, '[$(POD_IP)]:8080');
});

test('backplane.tokenSecret: the chart creates the Secret, and a change rolls the pods', async () => {
  const r = await render(EXTERNAL);
  const secret = r.one('Secret', `${FULL}-backplane`);
  assert.equal(Buffer.from(secret.data['token-secret'], 'base64').toString(), TOKEN_SECRET);
  const checksum = async (values) =>
    deploymentOf(await render(values)).spec.template.metadata.annotations['checksum/backplane-secret'];
  const a = await checksum(EXTERNAL);
  assert.match(a, /^[0-9a-f]{64}$/);
  const rotated = { ...EXTERNAL, backplane: { ...EXTERNAL.backplane, tokenSecret: `${TOKEN_SECRET}x` } };
  assert.notEqual(await checksum(rotated), a);
});

test('backplane.existingSecret: referenced, no Secret rendered; no password without a Secret', async () => {
  const r = await render({
    replicaCount: 2,
    backplane: { redis: { addresses: ['redis:6379'] }, existingSecret: 'cluster-token',
      existingSecretKey: 'token' },
  });
  assert.equal(r.all('Secret').length, 0);
  const env = envOf(container(r));
  assert.deepEqual(env.HUBGATE_BACKPLANE_TOKEN_SECRET.valueFrom.secretKeyRef,
    { name: 'cluster-token', key: 'token' });
  assert.equal(env.HUBGATE_BACKPLANE_PASSWORD, undefined);
  assert.equal(deploymentOf(r).spec.template.metadata.annotations['checksum/backplane-secret'],
    undefined);
  assert.deepEqual(backplaneOf(r), { type: 'redis', addresses: ['redis:6379'], cluster: false,
    channel_prefix: 'hubgate' });
  const timed = await render({ backplane: { redis: { addresses: ['redis:6379'] },
    existingSecret: 'cluster-token', requestTimeout: '2s' } });
  assert.equal(backplaneOf(timed).request_timeout, '2s');
});

test('without a backplane: no backplane section, environment or Secret', async () => {
  const r = await render({ backplane: { tokenSecret: TOKEN_SECRET } });
  assert.equal(backplaneOf(r), undefined);
  assert.equal(container(r).env, undefined);
  assert.equal(r.all('Secret').length, 0);
});

test('redis.enabled: a Redis Deployment and Service, the backplane pointed at it', async () => {
  const r = await render(TRIAL);
  assert.deepEqual(backplaneOf(r).addresses, [`${REDIS}:6379`]);
  assert.equal(backplaneOf(r).cluster, false);
  const redis = r.one('Deployment', REDIS);
  assert.equal(redis.spec.replicas, 1);
  assert.equal(redis.spec.strategy.type, 'Recreate');
  const pod = redis.spec.template.spec;
  const c = pod.containers[0];
  assert.equal(c.image, 'redis:7');
  assert.deepEqual(c.args, ['redis-server', '--save', '', '--appendonly', 'no',
    '--protected-mode', 'no']);
  assert.deepEqual(c.ports.map((p) => [p.name, p.containerPort]), [['redis', 6379]]);
  assert.deepEqual(c.readinessProbe.tcpSocket, { port: 'redis' });
  assert.equal(c.securityContext.runAsNonRoot, true);
  assert.equal(c.securityContext.readOnlyRootFilesystem, true);
  assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  assert.ok(c.resources.limits.memory, 'bounded memory');
  assert.ok(pod.volumes.find((v) => v.name === 'data').emptyDir, 'no persistence');
  assert.equal(pod.automountServiceAccountToken, false);

  const service = r.one('Service', REDIS);
  assert.deepEqual(service.spec.ports.map((p) => [p.name, p.port, p.targetPort]),
    [['redis', 6379, 'redis']]);
  const redisLabels = redis.spec.template.metadata.labels;
  assert.ok(matches(service.spec.selector, redisLabels), 'the Redis Service selects Redis');
  const gatewayLabels = deploymentOf(r).spec.template.metadata.labels;
  assert.ok(!matches(service.spec.selector, gatewayLabels), 'and not the gateway');
  for (const s of [r.one('Service', FULL), r.one('Service', `${FULL}-admin`)]) {
    assert.ok(!matches(s.spec.selector, redisLabels), `${s.metadata.name} does not select Redis`);
  }
  assert.ok(!matches(r.one('PodDisruptionBudget', FULL).spec.selector.matchLabels, redisLabels),
    'the gateway PDB does not count Redis');
  assert.ok(!matches(deploymentOf(r).spec.selector.matchLabels, redisLabels));
});

test('redis.enabled: image configurable; the Redis password Secret becomes requirepass', async () => {
  const r = await render({ ...TRIAL,
    redis: { enabled: true, image: { repository: 'mirror.example/valkey', tag: '8' } },
    backplane: { tokenSecret: TOKEN_SECRET, redis: { existingSecret: 'redis-auth', passwordKey: 'pw' } } });
  const c = r.one('Deployment', REDIS).spec.template.spec.containers[0];
  assert.equal(c.image, 'mirror.example/valkey:8');
  assert.deepEqual(envOf(c).REDIS_PASSWORD.valueFrom.secretKeyRef, { name: 'redis-auth', key: 'pw' });
  assert.deepEqual(c.args.slice(-2), ['--requirepass', '$(REDIS_PASSWORD)']);
  assert.deepEqual(envOf(container(r)).HUBGATE_BACKPLANE_PASSWORD.valueFrom.secretKeyRef,
    { name: 'redis-auth', key: 'pw' });
});

test('rolling update and PDB: one pod at a time with several replicas, surge first with one', async () => {
  const several = deploymentOf(await render(EXTERNAL)).spec.strategy;
  assert.deepEqual(several, { type: 'RollingUpdate',
    rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } });
  const single = deploymentOf(await render()).spec.strategy;
  assert.deepEqual(single, { type: 'RollingUpdate',
    rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } }, 'one replica never goes to zero');
  const own = deploymentOf(await render({ ...EXTERNAL,
    strategy: { rollingUpdate: { maxUnavailable: '25%', maxSurge: '50%' } } })).spec.strategy;
  assert.deepEqual(own.rollingUpdate, { maxUnavailable: '25%', maxSurge: '50%' });
  const pdb = (await render(EXTERNAL)).one('PodDisruptionBudget', FULL);
  assert.equal(pdb.spec.maxUnavailable, 1);
});

test('autoscaling with the backplane: an HPA, and the Deployment leaves replicas to it', async () => {
  const r = await render({ ...EXTERNAL, autoscaling: { enabled: true, minReplicas: 3,
    maxReplicas: 9, targetCPUUtilizationPercentage: 60 } });
  assert.equal(deploymentOf(r).spec.replicas, undefined);
  assert.deepEqual(deploymentOf(r).spec.strategy.rollingUpdate, { maxUnavailable: 1, maxSurge: 1 });
  const hpa = r.one('HorizontalPodAutoscaler', FULL);
  assert.equal(hpa.apiVersion, 'autoscaling/v2');
  assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: FULL });
  assert.equal(hpa.spec.minReplicas, 3);
  assert.equal(hpa.spec.maxReplicas, 9);
  assert.deepEqual(hpa.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu',
    target: { type: 'Utilization', averageUtilization: 60 } } }]);
  const memory = (await render({ ...EXTERNAL, autoscaling: { enabled: true,
    targetCPUUtilizationPercentage: '', targetMemoryUtilizationPercentage: 80 } }))
    .one('HorizontalPodAutoscaler', FULL);
  assert.deepEqual(memory.spec.metrics.map((m) => [m.resource.name, m.resource.target.averageUtilization]),
    [['memory', 80]]);
});

test('NOTES: the replicas on the backplane, and the trial Redis marked as not for production', async () => {
  const external = await notes(EXTERNAL);
  assert.match(external, new RegExp('Backplane: 3 replicas on Redis redis-0\\.redis:6379, '
    + 'redis-1\\.redis:6379, 10\\.0\\.0\\.7:6380 \\(cluster\\), channel prefix push\\.'));
  assert.doesNotMatch(external, /not for production/);
  const trial = await notes(TRIAL);
  assert.match(trial,
    new RegExp(`Redis ${REDIS}:6379 deployed by the chart: for trials, not for production`));
  assert.doesNotMatch(trial, new RegExp(TOKEN_SECRET));
});

const REFUSED = [
  ['3 replicas without a backplane', { replicaCount: 3 },
    new RegExp('replicaCount > 1 and autoscaling.enabled need the Redis backplane '
      + '\\(backplane.redis.addresses or redis.enabled\\): without it each pod reaches only its '
      + 'own connections')],
  ['autoscaling without a backplane', { autoscaling: { enabled: true } },
    /replicaCount > 1 and autoscaling.enabled need the Redis backplane/],
  ['a backplane without a token secret', { replicaCount: 3, redis: { enabled: true } },
    /the backplane needs a token secret: set backplane.tokenSecret or backplane.existingSecret/],
  ['both token secret sources',
    { backplane: { redis: { addresses: ['r:6379'] }, tokenSecret: TOKEN_SECRET, existingSecret: 'x' } },
    /set backplane.tokenSecret or backplane.existingSecret, not both/],
  ['a short token secret', { backplane: { redis: { addresses: ['r:6379'] }, tokenSecret: 'short' } },
    /backplane.tokenSecret must be at least 32 bytes/],
  ['addresses and the trial Redis',
    { ...TRIAL, backplane: { tokenSecret: TOKEN_SECRET, redis: { addresses: ['r:6379'] } } },
    /set backplane.redis.addresses or redis.enabled, not both/],
  ['addresses as a string', { backplane: { redis: { addresses: 'r:6379' }, tokenSecret: TOKEN_SECRET } },
    /backplane.redis.addresses must be a list of host:port/],
  ['an address without a port',
    { backplane: { redis: { addresses: ['redis'] }, tokenSecret: TOKEN_SECRET } },
    /backplane.redis.addresses\[0\] "redis" is not host:port/],
  ['the trial Redis as a cluster',
    { ...TRIAL, backplane: { tokenSecret: TOKEN_SECRET, redis: { cluster: true } } },
    /backplane.redis.cluster: the Redis of redis.enabled is a single server/],
  ['the trial Redis with an ACL user',
    { ...TRIAL, backplane: { tokenSecret: TOKEN_SECRET, redis: { user: 'hubgate' } } },
    /backplane.redis.user: the Redis of redis.enabled has only its default user/],
  ['config.backplane', { config: { backplane: { type: 'redis' } } },
    /do not set config.backplane; use the backplane.\* values/],
  ['autoscaling minReplicas above maxReplicas',
    { ...EXTERNAL, autoscaling: { enabled: true, minReplicas: 5, maxReplicas: 3 } },
    /autoscaling.minReplicas must be at least 1 and at most autoscaling.maxReplicas/],
  ['autoscaling without a metric',
    { ...EXTERNAL, autoscaling: { enabled: true, targetCPUUtilizationPercentage: '' } },
    /autoscaling needs targetCPUUtilizationPercentage or targetMemoryUtilizationPercentage/],
];
for (const [name, values, message] of REFUSED) {
  test(`refused: ${name}`, async () => {
    const r = await template(values);
    assert.notEqual(r.code, 0, `helm template should fail:\n${r.stdout}`);
    assert.match(r.stderr, message);
  });
}

test('hubgate --check_config accepts the rendered backplane configuration', async (t) => {
  const r = await render({ ...EXTERNAL, pushApi: { allowUnauthenticatedRemote: true } });
  const text = hubgateYaml(r);
  // The variables the pod sets (Kubernetes expands $(POD_IP) before the gateway reads it).
  const result = await checkConfig(text, {
    HUBGATE_BACKPLANE_TOKEN_SECRET: TOKEN_SECRET,
    HUBGATE_BACKPLANE_PASSWORD: 'redis-password',
    HUBGATE_BACKPLANE_ADVERTISE_ADDRESS: '10.1.2.3:8080',
    HUBGATE_BACKPLANE_REPLICA_ID: 'gw-hubgate-5d9c7-abcde',
  });
  if (result === null) {
    t.skip('no hubgate binary (build the release preset or set HUBGATE_BIN)');
    return;
  }
  const older = result.code !== 0 && (olderBinaryReason(result) ||
    (/backplane.*not implemented in this version/s.test(result.stderr) &&
      `the hubgate binary predates the backplane (rebuild it): ${result.stderr.trim()}`));
  if (older) {
    t.skip(older);
    return;
  }
  assert.equal(result.code, 0, `${result.stdout}${result.stderr}\n--- config:\n${text}`);
});
