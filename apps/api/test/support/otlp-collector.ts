import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  scope: string;
  attributes: Record<string, unknown>;
  /** Status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
}

/** Protobuf wire format, just enough of it for OTLP: each field of a message as [number, value]. */
function fields(buffer: Buffer): [number, Buffer | bigint][] {
  const out: [number, Buffer | bigint][] = [];
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = buffer[offset++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (offset < buffer.length) {
    const key = Number(varint());
    const [field, wire] = [key >>> 3, key & 7];
    if (wire === 0) out.push([field, varint()]);
    else if (wire === 1) out.push([field, buffer.readBigUInt64LE((offset += 8) - 8)]);
    else if (wire === 5) out.push([field, BigInt(buffer.readUInt32LE((offset += 4) - 4))]);
    else if (wire === 2) {
      const length = Number(varint());
      out.push([field, buffer.subarray(offset, (offset += length))]);
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
  return out;
}

const messages = (buffer: Buffer, field: number) =>
  fields(buffer)
    .filter(([f]) => f === field)
    .map(([, v]) => v as Buffer);
const first = (buffer: Buffer, field: number) => fields(buffer).find(([f]) => f === field)?.[1];

/** AnyValue: string (1), bool (2), int (3) or double (4). */
function anyValue(buffer: Buffer): unknown {
  const [field, value] = fields(buffer)[0] ?? [];
  if (field === 1) return (value as Buffer).toString('utf8');
  if (field === 2) return value === 1n;
  if (field === 3) return Number(BigInt.asIntN(64, value as bigint));
  if (field === 4)
    return Buffer.from(
      BigInt.asUintN(64, value as bigint)
        .toString(16)
        .padStart(16, '0'),
      'hex',
    ).readDoubleBE();
  return undefined;
}

/** ExportTraceServiceRequest → spans (opentelemetry/proto/trace/v1/trace.proto field numbers). */
export function decodeTraceRequest(body: Buffer): ExportedSpan[] {
  return messages(body, 1).flatMap((resourceSpans) =>
    messages(resourceSpans, 2).flatMap((scopeSpans) => {
      const scope = first(scopeSpans, 1) as Buffer | undefined;
      const scopeName = scope ? ((first(scope, 1) as Buffer | undefined)?.toString('utf8') ?? '') : '';
      return messages(scopeSpans, 2).map((span) => {
        const parent = first(span, 4) as Buffer | undefined;
        const status = first(span, 15) as Buffer | undefined;
        return {
          traceId: (first(span, 1) as Buffer).toString('hex'),
          spanId: (first(span, 2) as Buffer).toString('hex'),
          ...(parent?.length ? { parentSpanId: parent.toString('hex') } : {}),
          name: (first(span, 5) as Buffer).toString('utf8'),
          kind: Number(first(span, 6) ?? 0n),
          scope: scopeName,
          attributes: Object.fromEntries(
            messages(span, 9).map((kv) => [
              (first(kv, 1) as Buffer).toString('utf8'),
              anyValue(first(kv, 2) as Buffer),
            ]),
          ),
          statusCode: status ? Number(first(status, 3) ?? 0n) : 0,
        };
      });
    }),
  );
}

/** An OTLP/HTTP collector on loopback that keeps every span posted to /v1/traces in protobuf. */
export async function startCollector() {
  const spans: ExportedSpan[] = [];
  const contentTypes: string[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        contentTypes.push(String(request.headers['content-type']));
        spans.push(...decodeTraceRequest(Buffer.concat(chunks)));
      }
      // An empty ExportTraceServiceResponse: full success.
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    contentTypes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
