import { ServerRMQ } from '@nestjs/microservices';
import { rmqServer } from './rmq-server';

// getRouteFromPattern is protected: the tests read it as the server's handler lookup does.
type RouteReader = { getRouteFromPattern(pattern: string): string };

describe('rmqServer', () => {
  const ours = rmqServer({ options: { urls: ['amqp://unused'] } }).strategy as unknown as RouteReader;
  const nests = new ServerRMQ({ urls: ['amqp://unused'] }) as unknown as RouteReader;

  it.each(['session.created', 'session.*', 'document.find-live', 'true', 'null', '{"cmd":"sum"}', '42', '"quoted"'])(
    'routes %s as Nest does',
    (pattern) => {
      expect(ours.getRouteFromPattern(pattern)).toBe(nests.getRouteFromPattern(pattern));
    },
  );

  it('reads a dotted name without trying it as JSON', () => {
    const parse = jest.spyOn(JSON, 'parse');
    try {
      ours.getRouteFromPattern('session.created');
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });
});
