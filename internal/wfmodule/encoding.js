// @temporalio/common/lib/encoding: UTF-8 text to bytes and back, which
// custom payload converters import (the TypeScript SDK's samples do).

export function encode(s) {
  return new TextEncoder().encode(s);
}

export function decode(a) {
  return new TextDecoder().decode(a);
}

export const TextEncoder = /* @__PURE__ */ (() => globalThis.TextEncoder)();
export const TextDecoder = /* @__PURE__ */ (() => globalThis.TextDecoder)();
