// Payload conversion of @temporalio/common in JavaScript: the converter
// classes a custom payload converter (the worker's PayloadConverter option)
// is built from, and the helpers around them. A run that does not use them
// pays nothing: everything here is side-effect free and dropped by esbuild
// when unused. Without a custom converter, tsworker converts values in Go,
// as defaultPayloadConverter does.

import { decode, encode } from './encoding.js';

function errorClass(name) {
  return globalThis.__tsw.cls(name);
}

export const METADATA_ENCODING_KEY = 'encoding';
export const METADATA_MESSAGE_TYPE_KEY = 'messageType';
export const encodingTypes = {
  METADATA_ENCODING_NULL: 'binary/null',
  METADATA_ENCODING_RAW: 'binary/plain',
  METADATA_ENCODING_JSON: 'json/plain',
  METADATA_ENCODING_PROTOBUF_JSON: 'json/protobuf',
  METADATA_ENCODING_PROTOBUF: 'binary/protobuf',
};
export const encodingKeys = /* @__PURE__ */ (() => ({
  METADATA_ENCODING_NULL: encode(encodingTypes.METADATA_ENCODING_NULL),
  METADATA_ENCODING_RAW: encode(encodingTypes.METADATA_ENCODING_RAW),
  METADATA_ENCODING_JSON: encode(encodingTypes.METADATA_ENCODING_JSON),
  METADATA_ENCODING_PROTOBUF_JSON: encode(encodingTypes.METADATA_ENCODING_PROTOBUF_JSON),
  METADATA_ENCODING_PROTOBUF: encode(encodingTypes.METADATA_ENCODING_PROTOBUF),
}))();

// str decodes UTF-8 bytes; u8 encodes a string as UTF-8.
export function str(a) {
  return decode(a);
}
export function u8(s) {
  return encode(s);
}

const rawValueBrand = /* @__PURE__ */ Symbol('rawValueTypeInfo');
export const rawValueTypeInfo = /* @__PURE__ */ (() => ({ [rawValueBrand]: true }))();

function isRawValueTypeInfo(t) {
  return t !== undefined && t !== null && t[rawValueBrand] === true;
}

// RawValue is a value already converted: converters pass its payload as is.
export class RawValue {
  constructor(value, payloadConverter = defaultPayloadConverter, context) {
    this._payload = payloadConverter.toPayload(value, context);
  }
  static fromPayload(p) {
    return new RawValue(p, { toPayload: (v) => v });
  }
  get payload() {
    return this._payload;
  }
}

export class CompositePayloadConverter {
  constructor(...converters) {
    if (converters.length === 0) {
      throw new (errorClass('PayloadConverterError'))('Must provide at least one PayloadConverterWithEncoding');
    }
    this.converters = converters;
    this.converterByEncoding = new Map();
    for (const c of converters) this.converterByEncoding.set(c.encodingType, c);
  }
  toPayload(value, context, hint) {
    if (value instanceof RawValue) return value.payload;
    for (const c of this.converters) {
      if (hint !== undefined && !c.validateConverterHint?.(hint)) continue;
      const p = c.toPayload(value, context, hint);
      if (p !== undefined) return p;
    }
    if (hint !== undefined) {
      throw new (errorClass('ValueError'))(`No payload converter supports converter hint '${hint.converter}'`);
    }
    throw new (errorClass('ValueError'))(`Unable to convert ${value} to payload`);
  }
  fromPayload(payload, context, hint) {
    if (payload.metadata === undefined || payload.metadata === null) {
      throw new (errorClass('ValueError'))('Missing payload metadata');
    }
    const enc = decode(payload.metadata[METADATA_ENCODING_KEY]);
    const c = this.converterByEncoding.get(enc);
    if (c === undefined) throw new (errorClass('ValueError'))(`Unknown encoding: ${enc}`);
    if (hint !== undefined && !c.validateConverterHint?.(hint)) {
      throw new (errorClass('PayloadConverterError'))(
        `Payload encoding '${enc}' does not support converter hint '${hint.converter}'`);
    }
    return c.fromPayload(payload, context, hint);
  }
}

export class UndefinedPayloadConverter {
  constructor() {
    this.encodingType = encodingTypes.METADATA_ENCODING_NULL;
  }
  toPayload(value) {
    if (value !== undefined) return undefined;
    return { metadata: { [METADATA_ENCODING_KEY]: encodingKeys.METADATA_ENCODING_NULL } };
  }
  fromPayload() {
    return undefined;
  }
}

export class BinaryPayloadConverter {
  constructor() {
    this.encodingType = encodingTypes.METADATA_ENCODING_RAW;
  }
  toPayload(value) {
    if (!(value instanceof Uint8Array)) return undefined;
    return { metadata: { [METADATA_ENCODING_KEY]: encodingKeys.METADATA_ENCODING_RAW }, data: value };
  }
  fromPayload(content) {
    const d = content.data;
    return d ? new Uint8Array(d.buffer, d.byteOffset, d.length) : d;
  }
}

export class JsonPayloadConverter {
  constructor() {
    this.encodingType = encodingTypes.METADATA_ENCODING_JSON;
  }
  toPayload(value) {
    if (value === undefined) return undefined;
    let json;
    try {
      json = JSON.stringify(value);
    } catch {
      return undefined;
    }
    return { metadata: { [METADATA_ENCODING_KEY]: encodingKeys.METADATA_ENCODING_JSON }, data: encode(json) };
  }
  fromPayload(content) {
    if (content.data === undefined || content.data === null) {
      throw new (errorClass('ValueError'))('Got payload with no data');
    }
    return JSON.parse(decode(content.data));
  }
}

export class DefaultPayloadConverter extends CompositePayloadConverter {
  constructor() {
    super(new UndefinedPayloadConverter(), new BinaryPayloadConverter(), new JsonPayloadConverter());
  }
}

export const defaultPayloadConverter = /* @__PURE__ */ new DefaultPayloadConverter();

// ---- helpers over a converter ------------------------------------------

export function toPayloadWithTypeInfo(converter, value, context, typeInfo) {
  if (isRawValueTypeInfo(typeInfo)) {
    if (!(value instanceof RawValue)) throw new (errorClass('ValueError'))('RawValue TypeInfo requires a RawValue value');
    return value.payload;
  }
  const v = typeInfo?.transferTypeConverter ? typeInfo.transferTypeConverter.toTransferType(value) : value;
  return converter.toPayload(v, context, typeInfo?.payloadConverterHint);
}

export function fromPayloadWithTypeInfo(converter, payload, context, typeInfo) {
  if (isRawValueTypeInfo(typeInfo)) return RawValue.fromPayload(payload);
  const v = converter.fromPayload(payload, context, typeInfo?.payloadConverterHint);
  return typeInfo?.transferTypeConverter ? typeInfo.transferTypeConverter.fromTransferType(v) : v;
}

export function toPayloadsWithContext(converter, context, values, typeInfo) {
  if (values.length === 0) return undefined;
  return values.map((v, i) => toPayloadWithTypeInfo(converter, v, context, typeInfo?.[i]));
}

export function toPayloads(converter, ...values) {
  return toPayloadsWithContext(converter, undefined, values);
}

export function convertOptionalToPayload(converter, value, context) {
  return value == null ? value : converter.toPayload(value, context);
}

export function mapToPayloads(converter, map, context) {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, converter.toPayload(v, context)]));
}

export function fromPayloadsAtIndex(converter, index, payloads, context, typeInfo) {
  if (payloads === undefined || payloads === null || index >= payloads.length) return undefined;
  const p = payloads[index];
  return p ? fromPayloadWithTypeInfo(converter, p, context, typeInfo) : undefined;
}

export function arrayFromPayloads(converter, payloads, context, typeInfo) {
  if (!payloads) return [];
  return payloads.map((p, i) => fromPayloadWithTypeInfo(converter, p, context, typeInfo?.[i]));
}

export function mapFromPayloads(converter, map, context) {
  if (map == null) return undefined;
  return Object.fromEntries(Object.entries(map).map(([k, p]) => [k, converter.fromPayload(p, context)]));
}
