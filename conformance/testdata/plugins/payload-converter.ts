// The payload converter of the plugins workers: undefined as binary/null,
// every other value as Extended JSON (the npm package ejson) under the
// encoding json/plain, so that Go code and the Web UI read it as JSON,
// with the metadata format "extended" to say so. Dates, Uint8Arrays,
// RegExps, Infinity/NaN and the custom type Money survive the trip.
import {
  CompositePayloadConverter,
  METADATA_ENCODING_KEY,
  PayloadConverterError,
  UndefinedPayloadConverter,
  type Payload,
  type PayloadConverterWithEncoding,
} from '@temporalio/common';
import { decode, encode } from '@temporalio/common/lib/encoding';
import EJSON from 'ejson';
import './money';
import { order } from './order';

order.push('payload-converter.ts');

const extendedJson: PayloadConverterWithEncoding = {
  encodingType: 'json/plain',
  toPayload(value: unknown): Payload | undefined {
    if (value === undefined) return undefined;
    let text: string;
    try {
      text = EJSON.stringify(value);
    } catch (err) {
      throw new PayloadConverterError(`extended JSON cannot encode ${String(value)}: ${(err as Error).message}`);
    }
    return {
      metadata: { [METADATA_ENCODING_KEY]: encode('json/plain'), format: encode('extended') },
      data: encode(text),
    };
  },
  fromPayload<T>(payload: Payload): T {
    if (payload.data === undefined || payload.data === null) {
      throw new PayloadConverterError('extended JSON payload without data');
    }
    return EJSON.parse(decode(payload.data)) as T;
  },
};

export const payloadConverter = new CompositePayloadConverter(new UndefinedPayloadConverter(), extendedJson);
