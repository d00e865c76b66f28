import { defaultProcesses, parseReplicas, replicatedProcesses } from './local-system';

const ports = { gateway: 3000, session: 3001, metering: 3002, worker: 3003 };

describe('replicatedProcesses', () => {
  it('is the four services once when no replicas are asked for', async () => {
    const specs = await replicatedProcesses(ports, {}, () => Promise.reject(new Error('no extra port needed')));
    expect(specs).toEqual(defaultProcesses(ports));
  });

  it('adds numbered replicas on ports of their own, each told its port, gateways last', async () => {
    let next = 4000;
    const specs = await replicatedProcesses(
      ports,
      { gateway: 2, session: 2, metering: 2, worker: 3 },
      async () => next++,
    );
    expect(specs.map((s) => [s.name, s.app, s.port, s.env])).toEqual([
      ['session', 'session', 3001, undefined],
      ['session-2', 'session', 4000, { SESSION_PORT: '4000' }],
      ['metering', 'metering', 3002, undefined],
      ['metering-2', 'metering', 4001, { METERING_PORT: '4001' }],
      ['worker', 'worker', 3003, undefined],
      ['worker-2', 'worker', 4002, { WORKER_PORT: '4002' }],
      ['worker-3', 'worker', 4003, { WORKER_PORT: '4003' }],
      ['gateway', 'gateway', 3000, undefined],
      ['gateway-2', 'gateway', 4004, { PORT: '4004' }],
    ]);
  });

  it.each([0, -1, 1.5, NaN])('refuses %s replicas', async (count) => {
    await expect(replicatedProcesses(ports, { worker: count }, async () => 1)).rejects.toThrow('whole number');
  });
});

describe('parseReplicas', () => {
  it('reads service=count pairs', () => {
    expect(parseReplicas('gateway=2,worker=3')).toEqual({ gateway: 2, worker: 3 });
    expect(parseReplicas('')).toEqual({});
  });

  it.each([
    ['gatway=2', 'unknown service'],
    ['toString=2', 'unknown service'],
    ['worker', 'count from 1 to 99'],
    ['worker=0', 'count from 1 to 99'],
    ['worker=abc', 'count from 1 to 99'],
    ['worker=100', 'count from 1 to 99'],
  ])('refuses %s', (text, message) => {
    expect(() => parseReplicas(text)).toThrow(message);
  });
});
