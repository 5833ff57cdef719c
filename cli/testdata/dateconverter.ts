import type { Payload, PayloadConverter } from '@temporalio/common';
import { parse, stringify } from 'datejson'; // in packages/, found with --node-path

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// Values as JSON (json/plain, so that clients read them) in which a Date is
// {"$date": milliseconds}; undefined as binary/null.
export const payloadConverter: PayloadConverter = {
  toPayload(value: unknown): Payload {
    if (value === undefined) {
      return { metadata: { encoding: encoder.encode('binary/null') } };
    }
    return {
      metadata: { encoding: encoder.encode('json/plain'), format: encoder.encode('extended') },
      data: encoder.encode(stringify(value)),
    };
  },
  fromPayload<T>(payload: Payload): T {
    const encoding = decoder.decode(payload.metadata?.encoding);
    if (encoding === 'binary/null' || payload.data === undefined || payload.data === null) {
      return undefined as T;
    }
    return parse(decoder.decode(payload.data)) as T;
  },
};
