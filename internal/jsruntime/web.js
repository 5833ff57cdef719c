// The web globals of tsworker's workflow sandbox. This program evaluates to
// one function that builds the global it is asked for; the runtime calls it
// the first time workflow code touches that global, so a run pays only for
// what it uses. h holds Go host functions; orig is the built-in being
// replaced, if any.
(function build(h, name, orig) {
  'use strict';
  const define = (o, props) => {
    for (const k of Object.keys(props)) {
      Object.defineProperty(o, k, { value: props[k], writable: true, configurable: true, enumerable: false });
    }
  };
  const tag = (cls, t) => Object.defineProperty(cls.prototype, Symbol.toStringTag, { value: t, configurable: true });
  const bytesOf = (input) => {
    if (input === undefined) return new Uint8Array(0);
    if (input instanceof ArrayBuffer) return new Uint8Array(input);
    if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    throw new TypeError('The "input" argument must be an instance of ArrayBuffer or ArrayBufferView');
  };

  switch (name) {
    case 'TextEncoder': {
      class TextEncoder {
        get encoding() { return 'utf-8'; }
        encode(input = '') { return new Uint8Array(h.encode(String(input))); }
        encodeInto(src, dest) {
          const all = this.encode(src);
          let written = Math.min(all.length, dest.length);
          // Do not cut a character in two.
          while (written > 0 && written < all.length && (all[written] & 0xc0) === 0x80) written--;
          dest.set(all.subarray(0, written));
          const read = String(src).length - (written < all.length ? h.decode(all.subarray(written), 'utf-8', false, true).length : 0);
          return { read, written };
        }
      }
      tag(TextEncoder, 'TextEncoder');
      return TextEncoder;
    }

    case 'TextDecoder': {
      const labels = { 'utf-8': 'utf-8', utf8: 'utf-8', 'unicode-1-1-utf-8': 'utf-8', 'utf-16le': 'utf-16le', 'utf-16': 'utf-16le' };
      class TextDecoder {
        #enc; #fatal; #ignoreBOM;
        constructor(label = 'utf-8', options = {}) {
          const enc = labels[String(label).trim().toLowerCase()];
          if (enc === undefined) {
            const e = new RangeError(`The "${label}" encoding is not supported`);
            e.code = 'ERR_ENCODING_NOT_SUPPORTED';
            throw e;
          }
          this.#enc = enc;
          this.#fatal = Boolean(options && options.fatal);
          this.#ignoreBOM = Boolean(options && options.ignoreBOM);
        }
        get encoding() { return this.#enc; }
        get fatal() { return this.#fatal; }
        get ignoreBOM() { return this.#ignoreBOM; }
        decode(input) { return h.decode(bytesOf(input), this.#enc, this.#fatal, this.#ignoreBOM); }
      }
      tag(TextDecoder, 'TextDecoder');
      return TextDecoder;
    }

    case 'URLSearchParams': {
      const kUpdate = Symbol('update');
      class URLSearchParams {
        #list = [];
        #url = null;
        constructor(init = '') {
          if (init instanceof URLSearchParams) {
            this.#list = init.#list.slice();
          } else if (typeof init === 'object' && init !== null) {
            if (typeof init[Symbol.iterator] === 'function') {
              for (const pair of init) {
                const p = [...pair];
                if (p.length !== 2) throw new TypeError('Each query pair must be an iterable [name, value] tuple');
                this.#list.push(String(p[0]), String(p[1]));
              }
            } else {
              for (const k of Object.keys(init)) this.#list.push(k, String(init[k]));
            }
          } else {
            this.#list = h.parseQuery(String(init));
          }
        }
        static [kUpdate](params, url, search) {
          params.#url = url;
          params.#list = h.parseQuery(search);
        }
        #changed() { if (this.#url) this.#url.search = this.toString(); }
        get size() { return this.#list.length / 2; }
        append(name, value) { this.#list.push(String(name), String(value)); this.#changed(); }
        delete(name, value) {
          name = String(name);
          const out = [];
          for (let i = 0; i < this.#list.length; i += 2) {
            if (this.#list[i] === name && (value === undefined || this.#list[i + 1] === String(value))) continue;
            out.push(this.#list[i], this.#list[i + 1]);
          }
          this.#list = out;
          this.#changed();
        }
        get(name) {
          name = String(name);
          for (let i = 0; i < this.#list.length; i += 2) if (this.#list[i] === name) return this.#list[i + 1];
          return null;
        }
        getAll(name) {
          name = String(name);
          const out = [];
          for (let i = 0; i < this.#list.length; i += 2) if (this.#list[i] === name) out.push(this.#list[i + 1]);
          return out;
        }
        has(name, value) {
          name = String(name);
          for (let i = 0; i < this.#list.length; i += 2) {
            if (this.#list[i] === name && (value === undefined || this.#list[i + 1] === String(value))) return true;
          }
          return false;
        }
        set(name, value) {
          name = String(name);
          value = String(value);
          const out = [];
          let found = false;
          for (let i = 0; i < this.#list.length; i += 2) {
            if (this.#list[i] !== name) out.push(this.#list[i], this.#list[i + 1]);
            else if (!found) { out.push(name, value); found = true; }
          }
          if (!found) out.push(name, value);
          this.#list = out;
          this.#changed();
        }
        sort() {
          const pairs = [];
          for (let i = 0; i < this.#list.length; i += 2) pairs.push([this.#list[i], this.#list[i + 1]]);
          pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
          this.#list = pairs.flat();
          this.#changed();
        }
        forEach(fn, thisArg) {
          for (let i = 0; i < this.#list.length; i += 2) fn.call(thisArg, this.#list[i + 1], this.#list[i], this);
        }
        *entries() { for (let i = 0; i < this.#list.length; i += 2) yield [this.#list[i], this.#list[i + 1]]; }
        *keys() { for (let i = 0; i < this.#list.length; i += 2) yield this.#list[i]; }
        *values() { for (let i = 0; i < this.#list.length; i += 2) yield this.#list[i + 1]; }
        [Symbol.iterator]() { return this.entries(); }
        toString() { return h.serializeQuery(this.#list); }
      }
      tag(URLSearchParams, 'URLSearchParams');
      Object.defineProperty(URLSearchParams, '__update', { value: URLSearchParams[kUpdate] });
      return URLSearchParams;
    }

    case 'URL': {
      const invalid = (input) => {
        const e = new TypeError('Invalid URL');
        e.code = 'ERR_INVALID_URL';
        e.input = input;
        return e;
      };
      const parse = (input, base) => (base === undefined ? h.parseURL(String(input)) : h.parseURL(String(input), String(base)));
      class URL {
        #p; #params = null;
        constructor(input, base) {
          if (arguments.length === 0) throw new TypeError('The "url" argument must be specified');
          const p = parse(input, base);
          if (p === null) throw invalid(String(input));
          this.#p = p;
        }
        static canParse(input, base) { return parse(input, base) !== null; }
        static parse(input, base) { try { return new URL(input, base); } catch { return null; } }
        #set(href) {
          const p = h.parseURL(href);
          if (p === null) return;
          this.#p = p;
          if (this.#params) URLSearchParams.__update(this.#params, this, p[7]);
        }
        #compose(i, v) {
          const p = this.#p.slice();
          p[i] = v;
          const auth = p[2] || p[3] ? p[2] + (p[3] ? ':' + p[3] : '') + '@' : '';
          const host = p[4] + (p[5] ? ':' + p[5] : '');
          const slashes = host !== '' || p[1] === 'file:' ? '//' : '';
          return p[1] + slashes + auth + host + p[6] + p[7] + p[8];
        }
        get href() { return this.#p[0]; }
        set href(v) {
          const p = h.parseURL(String(v));
          if (p === null) throw invalid(String(v));
          this.#set(p[0]);
        }
        get origin() { return this.#p[9]; }
        get protocol() { return this.#p[1]; }
        set protocol(v) { v = String(v); this.#set(this.#compose(1, v.endsWith(':') ? v : v + ':')); }
        get username() { return this.#p[2]; }
        set username(v) { this.#set(this.#compose(2, String(v))); }
        get password() { return this.#p[3]; }
        set password(v) { this.#set(this.#compose(3, String(v))); }
        get host() { return this.#p[4] + (this.#p[5] ? ':' + this.#p[5] : ''); }
        set host(v) {
          const [hn, port] = String(v).split(':');
          const p = this.#p.slice();
          this.#p[4] = hn;
          this.#p[5] = port === undefined ? p[5] : port;
          const href = this.#compose(4, hn);
          this.#p = p;
          this.#set(href);
        }
        get hostname() { return this.#p[4]; }
        set hostname(v) { this.#set(this.#compose(4, String(v))); }
        get port() { return this.#p[5]; }
        set port(v) { this.#set(this.#compose(5, String(v))); }
        get pathname() { return this.#p[6]; }
        set pathname(v) { v = String(v); this.#set(this.#compose(6, v.startsWith('/') ? v : '/' + v)); }
        get search() { return this.#p[7]; }
        set search(v) { v = String(v); this.#set(this.#compose(7, v === '' || v === '?' ? '' : v.startsWith('?') ? v : '?' + v)); }
        get searchParams() {
          if (this.#params === null) {
            this.#params = new URLSearchParams();
            URLSearchParams.__update(this.#params, this, this.#p[7]);
          }
          return this.#params;
        }
        get hash() { return this.#p[8]; }
        set hash(v) { v = String(v); this.#set(this.#compose(8, v === '' || v === '#' ? '' : v.startsWith('#') ? v : '#' + v)); }
        toString() { return this.#p[0]; }
        toJSON() { return this.#p[0]; }
      }
      tag(URL, 'URL');
      return URL;
    }

    case 'AbortSignal': {
      const kAbort = Symbol('abort');
      let constructing = false;
      const abortError = () => {
        const e = new Error('This operation was aborted');
        e.name = 'AbortError';
        e.code = 20;
        return e;
      };
      class AbortSignal {
        #aborted = false; #reason = undefined; #listeners = []; #onabort = null;
        constructor() {
          if (!constructing) throw new TypeError('Illegal constructor');
          constructing = false;
        }
        static [kAbort](signal, reason) {
          if (signal.#aborted) return;
          signal.#aborted = true;
          signal.#reason = reason === undefined ? abortError() : reason;
          const event = { type: 'abort', target: signal, currentTarget: signal, defaultPrevented: false };
          if (typeof signal.#onabort === 'function') signal.#onabort.call(signal, event);
          for (const l of signal.#listeners.slice()) {
            if (l.once) signal.#listeners = signal.#listeners.filter((x) => x !== l);
            if (typeof l.fn === 'function') l.fn.call(signal, event);
            else if (l.fn && typeof l.fn.handleEvent === 'function') l.fn.handleEvent(event);
          }
        }
        static __make() { constructing = true; return new AbortSignal(); }
        static abort(reason) {
          const s = AbortSignal.__make();
          AbortSignal[kAbort](s, reason);
          return s;
        }
        static any(signals) {
          const s = AbortSignal.__make();
          for (const dep of signals) {
            if (dep.aborted) { AbortSignal[kAbort](s, dep.reason); return s; }
          }
          for (const dep of signals) dep.addEventListener('abort', () => AbortSignal[kAbort](s, dep.reason), { once: true });
          return s;
        }
        static timeout() {
          throw new TypeError('AbortSignal.timeout is not available in workflows: its timer would not be deterministic; ' +
            'use CancellationScope.withTimeout or sleep');
        }
        get aborted() { return this.#aborted; }
        get reason() { return this.#reason; }
        get onabort() { return this.#onabort; }
        set onabort(fn) { this.#onabort = fn; }
        throwIfAborted() { if (this.#aborted) throw this.#reason; }
        addEventListener(type, fn, options) {
          if (type !== 'abort' || fn == null) return;
          if (this.#listeners.some((l) => l.fn === fn)) return;
          this.#listeners.push({ fn, once: Boolean(options && typeof options === 'object' && options.once) });
        }
        removeEventListener(type, fn) {
          if (type === 'abort') this.#listeners = this.#listeners.filter((l) => l.fn !== fn);
        }
        dispatchEvent(event) {
          if (event && event.type === 'abort') {
            for (const l of this.#listeners.slice()) (typeof l.fn === 'function' ? l.fn.call(this, event) : l.fn.handleEvent(event));
          }
          return true;
        }
      }
      tag(AbortSignal, 'AbortSignal');
      Object.defineProperty(AbortSignal, '__abort', { value: AbortSignal[kAbort] });
      return AbortSignal;
    }

    case 'AbortController': {
      class AbortController {
        #signal = AbortSignal.__make();
        get signal() { return this.#signal; }
        abort(reason) { AbortSignal.__abort(this.#signal, reason); }
      }
      tag(AbortController, 'AbortController');
      return AbortController;
    }

    case 'queueMicrotask':
      return function queueMicrotask(callback) {
        if (typeof callback !== 'function') {
          const e = new TypeError('The "callback" argument must be of type function');
          e.code = 'ERR_INVALID_ARG_TYPE';
          throw e;
        }
        Promise.resolve().then(() => callback());
      };

    case 'crypto': {
      const crypto = {};
      define(crypto, {
        randomUUID: function randomUUID() { return h.uuid(); },
        getRandomValues: function getRandomValues(array) {
          if (!ArrayBuffer.isView(array) || array instanceof Float32Array || array instanceof Float64Array || array instanceof DataView) {
            throw new TypeError('The "typedArray" argument must be an integer-type TypedArray');
          }
          const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
          for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
          return array;
        },
      });
      return crypto;
    }

    case 'captureStackTrace':
      return function captureStackTrace(target, constructorOpt) {
        if (target === null || typeof target !== 'object' && typeof target !== 'function') {
          throw new TypeError('Invalid argument');
        }
        let frames = new Error().stack.split('\n').slice(2);
        if (typeof constructorOpt === 'function' && constructorOpt.name) {
          const i = frames.findIndex((f) => f.includes(' ' + constructorOpt.name + ' ') || f.includes('.' + constructorOpt.name + ' '));
          if (i >= 0) frames = frames.slice(i + 1);
        }
        let head;
        try { head = Error.prototype.toString.call(target); } catch { head = 'Error'; }
        Object.defineProperty(target, 'stack', { value: [head, ...frames].join('\n'), writable: true, configurable: true, enumerable: false });
      };

    case 'RegExp': {
      const Orig = orig;
      const expand = (pattern, flags) => {
        if (typeof pattern === 'string' && /[uv]/.test(flags === undefined ? '' : String(flags)) && /\\[pP]\{/.test(pattern)) {
          return h.expandRegExp(pattern, String(flags));
        }
        return pattern;
      };
      // A function, not a Proxy: goja's instanceof does not accept a Proxy.
      const RegExp = function RegExp(pattern, flags) {
        const args = Array.prototype.slice.call(arguments);
        if (args.length > 0) args[0] = expand(pattern, flags);
        if (new.target === undefined) return Orig.apply(undefined, args);
        return Reflect.construct(Orig, args, new.target === RegExp ? Orig : new.target);
      };
      Object.setPrototypeOf(RegExp, Orig);
      Object.defineProperty(RegExp, 'prototype', { value: Orig.prototype, writable: false });
      Object.defineProperty(Orig.prototype, 'constructor', { value: RegExp, writable: true, configurable: true });
      return RegExp;
    }

    case 'WeakRef':
      return function WeakRef() {
        throw h.violation('WeakRef cannot be used in Workflows because v8 GC is non-deterministic');
      };

    case 'FinalizationRegistry':
      return function FinalizationRegistry() {
        throw h.violation('FinalizationRegistry cannot be used in Workflows because v8 GC is non-deterministic');
      };

    case 'assert':
      return makeAssert();

    case 'Intl':
      return makeIntl();
  }
  return undefined;

  // A small Intl: en-US number formatting and collation. goja has no
  // locale data; what is not provided throws a RangeError that says so
  // instead of formatting wrongly.
  function makeIntl() {
    const unsupported = (what) => new RangeError(`${what} is not available in tsworker's workflow sandbox ` +
      '(it has no locale data: Intl formats numbers and compares strings as en-US); format in a Go activity instead');
    const checkLocale = (what, locales) => {
      const list = locales === undefined ? [] : Array.isArray(locales) ? locales : [locales];
      for (const l of list) {
        if (!/^en(-(US|us))?$/.test(String(l))) throw unsupported(`${what} for locale "${l}"`);
      }
    };
    const group = (digits) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    class NumberFormat {
      #o;
      constructor(locales, options = {}) {
        checkLocale('Intl.NumberFormat', locales);
        const style = options.style ?? 'decimal';
        if (style !== 'decimal' && style !== 'percent' && style !== 'currency') throw unsupported(`Intl.NumberFormat style "${style}"`);
        if (style === 'currency' && options.currency === undefined) throw new TypeError('Currency code is required with currency style.');
        const cur = style === 'currency' ? String(options.currency).toUpperCase() : undefined;
        const curDigits = cur === 'JPY' || cur === 'KRW' ? 0 : 2;
        const min = options.minimumFractionDigits ?? (style === 'currency' ? curDigits : 0);
        const max = Math.max(min, options.maximumFractionDigits ?? (style === 'currency' ? curDigits : style === 'percent' ? 0 : 3));
        if (min < 0 || max > 100) throw new RangeError('maximumFractionDigits value is out of range.');
        this.#o = { locale: 'en-US', numberingSystem: 'latn', style, currency: cur, minimumFractionDigits: min, maximumFractionDigits: max, useGrouping: options.useGrouping === false ? false : 'auto' };
      }
      format(value) {
        const o = this.#o;
        let n = Number(value);
        if (Number.isNaN(n)) return 'NaN';
        const neg = n < 0 || Object.is(n, -0);
        n = Math.abs(n);
        if (o.style === 'percent') n *= 100;
        let s = n === Infinity ? '∞' : n.toFixed(o.maximumFractionDigits);
        if (n !== Infinity && s.includes('.')) {
          let [i, f] = s.split('.');
          while (f.length > o.minimumFractionDigits && f.endsWith('0')) f = f.slice(0, -1);
          s = f ? `${o.useGrouping ? group(i) : i}.${f}` : o.useGrouping ? group(i) : i;
        } else if (n !== Infinity && o.useGrouping) {
          s = group(s);
        }
        if (o.style === 'percent') s += '%';
        if (o.style === 'currency') s = ({ USD: '$', EUR: '€', GBP: '£', JPY: '¥', INR: '₹', CNY: 'CN¥', CAD: 'CA$', AUD: 'A$' }[o.currency] ?? o.currency + '\u00a0') + s;
        return (neg && s !== '0' ? '-' : '') + s;
      }
      formatToParts() { throw unsupported('Intl.NumberFormat.prototype.formatToParts'); }
      resolvedOptions() { return Object.assign({}, this.#o); }
      static supportedLocalesOf(locales) { return (Array.isArray(locales) ? locales : [locales]).filter((l) => /^en(-US)?$/.test(l)); }
    }
    class Collator {
      #o;
      constructor(locales, options = {}) {
        checkLocale('Intl.Collator', locales);
        this.#o = { locale: 'en-US', usage: options.usage ?? 'sort', sensitivity: options.sensitivity ?? 'variant', ignorePunctuation: false, collation: 'default', numeric: Boolean(options.numeric), caseFirst: 'false' };
        this.compare = this.compare.bind(this);
      }
      compare(a, b) {
        a = String(a); b = String(b);
        if (this.#o.sensitivity === 'base' || this.#o.sensitivity === 'accent') { a = a.toLowerCase(); b = b.toLowerCase(); }
        if (this.#o.numeric) {
          const na = Number(a), nb = Number(b);
          if (!Number.isNaN(na) && !Number.isNaN(nb)) return na < nb ? -1 : na > nb ? 1 : 0;
        }
        const c = a.localeCompare(b);
        return c < 0 ? -1 : c > 0 ? 1 : 0;
      }
      resolvedOptions() { return Object.assign({}, this.#o); }
    }
    function DateTimeFormat() { throw unsupported('Intl.DateTimeFormat'); }
    const Intl = {};
    define(Intl, {
      NumberFormat, Collator, DateTimeFormat,
      PluralRules: function PluralRules() { throw unsupported('Intl.PluralRules'); },
      RelativeTimeFormat: function RelativeTimeFormat() { throw unsupported('Intl.RelativeTimeFormat'); },
      ListFormat: function ListFormat() { throw unsupported('Intl.ListFormat'); },
      getCanonicalLocales: (l) => (l === undefined ? [] : Array.isArray(l) ? l.map(String) : [String(l)]),
    });
    Object.defineProperty(Intl, Symbol.toStringTag, { value: 'Intl', configurable: true });
    return Intl;
  }

  function makeAssert() {
    const inspect = (v) => {
      if (typeof v === 'string') return `'${v}'`;
      if (typeof v === 'bigint') return `${v}n`;
      if (typeof v === 'function') return `[Function: ${v.name || '(anonymous)'}]`;
      if (typeof v === 'symbol' || v === undefined) return String(v);
      try { return JSON.stringify(v) ?? String(v); } catch { return String(v); }
    };
    class AssertionError extends Error {
      constructor(options) {
        super(options.message);
        this.name = 'AssertionError';
        this.code = 'ERR_ASSERTION';
        this.actual = options.actual;
        this.expected = options.expected;
        this.operator = options.operator;
        this.generatedMessage = !options.userMessage;
      }
    }
    const fail = (actual, expected, message, operator, generated) => {
      if (message instanceof Error) throw message;
      throw new AssertionError({ message: message === undefined ? generated : message, userMessage: message !== undefined, actual, expected, operator });
    };
    const isDeep = (a, b, strict, seen) => {
      if (strict ? Object.is(a, b) : a == b || (a !== a && b !== b)) return true;
      if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
      if (strict && Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
      if (Object.prototype.toString.call(a) !== Object.prototype.toString.call(b)) return false;
      if (a instanceof Date) return a.getTime() === b.getTime();
      if (a instanceof RegExp) return String(a) === String(b);
      if (seen.has(a)) return seen.get(a) === b;
      seen.set(a, b);
      if (a instanceof Map) {
        if (a.size !== b.size) return false;
        for (const [k, v] of a) if (!b.has(k) || !isDeep(v, b.get(k), strict, seen)) return false;
        return true;
      }
      if (a instanceof Set) {
        if (a.size !== b.size) return false;
        for (const v of a) if (!b.has(v)) return false;
        return true;
      }
      const ka = Object.keys(a), kb = Object.keys(b);
      if (ka.length !== kb.length) return false;
      for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !isDeep(a[k], b[k], strict, seen)) return false;
      return true;
    };
    const matches = (err, expected) => {
      if (expected === undefined) return true;
      if (expected instanceof RegExp) return expected.test(String(err));
      if (typeof expected === 'function') {
        if (expected.prototype !== undefined && err instanceof expected) return true;
        if (Error.isPrototypeOf(expected)) return false;
        return expected.call({}, err) === true;
      }
      if (typeof expected === 'object' && expected !== null) {
        return Object.keys(expected).every((k) => (expected[k] instanceof RegExp && typeof err[k] === 'string' ? expected[k].test(err[k]) : isDeep(err[k], expected[k], true, new Map())));
      }
      return true;
    };
    function ok(value, message) {
      if (arguments.length === 0) fail(undefined, true, message, '==', 'No value argument passed to `assert.ok()`');
      if (!value) fail(value, true, message, '==', 'The expression evaluated to a falsy value');
    }
    const assert = function assert(value, message) { return ok.apply(undefined, arguments); };
    const api = {
      AssertionError,
      ok,
      fail(message = 'Failed') { fail(undefined, undefined, message, 'fail', 'Failed'); },
      equal(a, b, m) { if (!(a == b || (a !== a && b !== b))) fail(a, b, m, '==', `${inspect(a)} == ${inspect(b)}`); },
      notEqual(a, b, m) { if (a == b || (a !== a && b !== b)) fail(a, b, m, '!=', `${inspect(a)} != ${inspect(b)}`); },
      // Node 20 follows a message of the caller's with the comparison too.
      strictEqual(a, b, m) { if (!Object.is(a, b)) { const cmp = `${inspect(a)} !== ${inspect(b)}\n`; fail(a, b, typeof m === 'string' ? `${m}\n\n${cmp}` : m, 'strictEqual', `Expected values to be strictly equal:\n\n${cmp}`); } },
      notStrictEqual(a, b, m) { if (Object.is(a, b)) fail(a, b, m, 'notStrictEqual', `Expected "actual" to be strictly unequal to: ${inspect(b)}`); },
      deepEqual(a, b, m) { if (!isDeep(a, b, false, new Map())) fail(a, b, m, 'deepEqual', `Expected values to be loosely deep-equal:\n\n${inspect(a)}\n\nshould loosely deep-equal\n\n${inspect(b)}`); },
      notDeepEqual(a, b, m) { if (isDeep(a, b, false, new Map())) fail(a, b, m, 'notDeepEqual', `Expected "actual" not to be loosely deep-equal to:\n\n${inspect(b)}`); },
      deepStrictEqual(a, b, m) { if (!isDeep(a, b, true, new Map())) fail(a, b, m, 'deepStrictEqual', `Expected values to be strictly deep-equal:\n${inspect(a)}\n\nshould equal\n\n${inspect(b)}`); },
      notDeepStrictEqual(a, b, m) { if (isDeep(a, b, true, new Map())) fail(a, b, m, 'notDeepStrictEqual', `Expected "actual" not to be strictly deep-equal to:\n\n${inspect(b)}`); },
      match(s, re, m) { if (typeof s !== 'string' || !re.test(s)) fail(s, re, m, 'match', `The input did not match the regular expression ${re}. Input:\n\n${inspect(s)}\n`); },
      doesNotMatch(s, re, m) { if (typeof s === 'string' && re.test(s)) fail(s, re, m, 'doesNotMatch', `The input was expected to not match the regular expression ${re}. Input:\n\n${inspect(s)}\n`); },
      ifError(v) { if (v !== null && v !== undefined) { if (v instanceof Error) throw v; fail(v, null, undefined, 'ifError', `ifError got unwanted exception: ${inspect(v)}`); } },
      throws(fn, expected, m) {
        if (typeof expected === 'string') { m = expected; expected = undefined; }
        try { fn(); } catch (err) {
          if (!matches(err, expected)) throw err;
          return;
        }
        fail(undefined, expected, m, 'throws', 'Missing expected exception.');
      },
      doesNotThrow(fn, expected, m) {
        try { fn(); } catch (err) { fail(err, expected, typeof expected === 'string' ? expected : m, 'doesNotThrow', `Got unwanted exception.\nActual message: "${err && err.message}"`); }
      },
      async rejects(p, expected, m) {
        if (typeof expected === 'string') { m = expected; expected = undefined; }
        try { await (typeof p === 'function' ? p() : p); } catch (err) {
          if (!matches(err, expected)) throw err;
          return;
        }
        fail(undefined, expected, m, 'rejects', 'Missing expected rejection.');
      },
      async doesNotReject(p, expected, m) {
        try { await (typeof p === 'function' ? p() : p); } catch (err) {
          fail(err, expected, typeof expected === 'string' ? expected : m, 'doesNotReject', `Got unwanted rejection.\nActual message: "${err && err.message}"`);
        }
      },
    };
    define(assert, api);
    const strict = function strict(value, message) { return ok.apply(undefined, arguments); };
    define(strict, Object.assign({}, api, {
      equal: api.strictEqual, notEqual: api.notStrictEqual, deepEqual: api.deepStrictEqual, notDeepEqual: api.notDeepStrictEqual,
    }));
    define(strict, { strict });
    define(assert, { strict });
    return assert;
  }
});
