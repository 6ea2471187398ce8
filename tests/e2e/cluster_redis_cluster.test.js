'use strict';
// The audience cases of cluster_audiences.test.js on a 3-master Redis Cluster: the replicas'
// channels spread over the masters by slot (sharded pub/sub), and every audience still reaches
// exactly the intended clients on the three replicas.

const { defineAudienceTests } = require('./lib/cluster_audience');

defineAudienceTests({ redis: 'cluster', name: 'rcluster' });
