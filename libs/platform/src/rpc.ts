import {
  DomainError,
  ErrorCode,
  rpcRequestSchema,
  type RpcParsedRequest,
  type RpcPattern,
  type RpcPatternOf,
  type RpcReply,
  type RpcRequest,
  type RpcService,
} from '@docsession/contracts';
import { ClientRMQ, MessagePattern, RmqRecordBuilder, Transport, type RmqOptions } from '@nestjs/microservices';
import { lastValueFrom, timeout as rxTimeout, TimeoutError } from 'rxjs';
import type { BusConfig } from './bus';
import { busNames, type ServiceName } from './names';
import { currentRequestId, REQUEST_ID_HEADER } from './request-context';

function rpcQueueOptions(config: BusConfig) {
  // A request nobody answered within the caller's timeout is worthless: let it expire.
  return { durable: false, arguments: { 'x-message-ttl': config.RPC_TIMEOUT_MS } };
}

/** The service's request/reply queue; requests are answered, never redelivered. */
export function rpcServerOptions(config: BusConfig, service: ServiceName): RmqOptions {
  return {
    transport: Transport.RMQ,
    options: {
      urls: [config.AMQP_URL],
      queue: busNames(config).rpcQueue(service),
      queueOptions: rpcQueueOptions(config),
      noAck: true,
    },
  };
}

/**
 * Request/reply to one service's RPC queue; errors come back as DomainErrors. The
 * service fixes which patterns it accepts, and each pattern its request and reply types.
 */
export class RpcClient<S extends RpcService> {
  private readonly client: ClientRMQ;

  constructor(
    private readonly config: BusConfig,
    service: S,
  ) {
    this.client = new ClientRMQ({
      urls: [config.AMQP_URL],
      queue: busNames(config).rpcQueue(service),
      queueOptions: rpcQueueOptions(config),
      persistent: false,
    });
  }

  async connect(): Promise<void> {
    await this.client.connect();
  }

  async call<P extends RpcPatternOf<S>>(pattern: P, request: RpcRequest<P>): Promise<RpcReply<P>> {
    // The service answers as part of the caller's request: its log lines carry the id.
    const requestId = currentRequestId();
    const message = requestId
      ? new RmqRecordBuilder(request).setOptions({ headers: { [REQUEST_ID_HEADER]: requestId } }).build()
      : request;
    try {
      return await lastValueFrom(
        this.client.send<RpcReply<P>>(pattern, message).pipe(rxTimeout(this.config.RPC_TIMEOUT_MS)),
      );
    } catch (err) {
      if (DomainError.isBody(err)) throw new DomainError(err.code, err.message, err.details);
      const reason = err instanceof TimeoutError ? 'did not answer in time' : 'failed';
      throw new DomainError(ErrorCode.Unavailable, `A backing service ${reason}.`);
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

type RpcHandlerMethod<P extends RpcPattern> = (request: RpcParsedRequest<P>) => RpcReply<P> | Promise<RpcReply<P>>;

/**
 * Serves `pattern`: the method gets the request as the map's schema parsed it, and must
 * answer with the map's reply type. An invalid request throws the ZodError, which
 * DomainRpcExceptionFilter answers as `invalid_request`.
 */
export function RpcHandler<P extends RpcPattern>(pattern: P) {
  const schema = rpcRequestSchema(pattern);
  return <M extends RpcHandlerMethod<P>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): TypedPropertyDescriptor<M> => {
    const handle = descriptor.value;
    if (!handle) throw new Error(`@RpcHandler(${pattern}) must decorate a method.`);
    // The compiler cannot follow P through the union of schemas; the map pairs them.
    descriptor.value = function (this: unknown, data: unknown) {
      return handle.call(this, schema.parse(data) as RpcParsedRequest<P>);
    } as M;
    MessagePattern(pattern)(target, key, descriptor);
    return descriptor;
  };
}
