'use strict';
// Every Push API audience on three replicas over one Redis: all, all-except, connection(s),
// group(s), group-except, user(s), pushed through nginx's gRPC proxying or to one replica,
// reach exactly the intended official clients wherever they live (lib/cluster_audience.js).

const { defineAudienceTests } = require('./lib/cluster_audience');

defineAudienceTests({ redis: 'single', name: 'audiences' });
