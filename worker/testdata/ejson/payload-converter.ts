// An EJSON-like payload converter, as the TypeScript SDK's "ejson" sample
// has: Dates travel as {"$date": milliseconds} and come back as Dates.
import {
  CompositePayloadConverter,
  METADATA_ENCODING_KEY,
  Payload,
  PayloadConverterError,
  UndefinedPayloadConverter,
} from '@temporalio/common';
import { decode, encode } from '@temporalio/common/lib/encoding';

class DateJsonPayloadConverter {
  // json/plain, so that other SDKs and the Web UI read the payloads.
  public encodingType = 'json/plain';

  public toPayload(value: unknown): Payload | undefined {
    if (value === undefined) return undefined;
    let json: string;
    try {
      json = JSON.stringify(value, function (this: any, key: string, v: unknown) {
        const raw = this[key];
        return raw instanceof Date ? { $date: raw.getTime() } : v;
      });
    } catch (err) {
      throw new PayloadConverterError(`cannot encode ${value}: ${err}`);
    }
    return {
      metadata: { [METADATA_ENCODING_KEY]: encode('json/plain'), format: encode('extended') },
      data: encode(json),
    };
  }

  public fromPayload<T>(payload: Payload): T {
    return JSON.parse(decode(payload.data!), (_key, v) =>
      v !== null && typeof v === 'object' && Object.keys(v).length === 1 && typeof v.$date === 'number'
        ? new Date(v.$date)
        : v,
    );
  }
}

export const payloadConverter = new CompositePayloadConverter(
  new UndefinedPayloadConverter(),
  new DateJsonPayloadConverter(),
);
