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

    case 'localeMethods':
      installLocaleMethods();
      return undefined;
  }
  return undefined;

  // A small Intl: en-US number and date formatting and collation, in
  // any IANA time zone (UTC by default). goja has no locale data; what is
  // not provided throws a RangeError that says so instead of formatting
  // wrongly. The constructors are functions, not classes, because V8's
  // may be called without new.
  function makeIntl() {
    const unsupported = (what) => new RangeError(`${what} is not available in tsworker's workflow sandbox ` +
      '(it has locale data for en-US only: Intl formats numbers and dates and compares strings as en-US); format in a Go activity instead');
    // resolveLocale returns the locale a constructor uses: "en-US" or
    // "en", as V8 resolves them; any other locale throws.
    const resolveLocale = (what, locales) => {
      const list = locales === undefined ? [] : typeof locales === 'string' || !Array.isArray(locales) ? [locales] : locales;
      let found;
      for (const l of list) {
        const tag = String(l);
        if (!/^[a-zA-Z]{2,8}(-[a-zA-Z0-9]{1,8})*$/.test(tag)) throw new RangeError('Incorrect locale information provided');
        const m = /^en(-us)?$/i.exec(tag);
        if (!m) throw unsupported(`${what} for locale "${tag}"`);
        if (found === undefined) found = m[1] ? 'en-US' : 'en';
      }
      return found ?? 'en-US';
    };
    const supportedLocalesOf = (locales) => (locales === undefined ? [] : Array.isArray(locales) ? locales : [locales])
      .map(String).filter((l) => /^en(-us)?$/i.test(l)).map((l) => (l.length > 2 ? 'en-US' : 'en'));
    const slot = Symbol('intl');
    const self = (o, cls, method) => {
      if (o === null || typeof o !== 'object' || !Object.prototype.hasOwnProperty.call(o, slot)) {
        throw new TypeError(`Method Intl.${cls}.prototype.${method} called on incompatible receiver ${typeof o === 'object' && o !== null ? '#<' + (o.constructor?.name ?? 'Object') + '>' : String(o)}`);
      }
      return o[slot];
    };
    const setSlot = (o, v) => Object.defineProperty(o, slot, { value: v });
    const intlClass = (ctor, name, methods, getters = {}) => {
      define(ctor.prototype, methods);
      for (const k of Object.keys(getters)) Object.defineProperty(ctor.prototype, k, { get: getters[k], configurable: true });
      Object.defineProperty(ctor.prototype, Symbol.toStringTag, { value: `Intl.${name}`, configurable: true });
      Object.defineProperty(ctor, 'length', { value: 0, configurable: true });
      define(ctor, { supportedLocalesOf });
    };
    const options = (o, cls) => {
      if (o === null) throw new TypeError(`Intl.${cls} called on null or undefined`);
      return o === undefined ? {} : Object(o);
    };

    // Each constructor is made when Intl's property is first read: a run
    // pays only for the ones it uses.
    const makers = {
      NumberFormat() {
        const currencySymbols = { USD: '$', EUR: '€', GBP: '£', JPY: '¥', INR: '₹', CNY: 'CN¥', CAD: 'CA$', AUD: 'A$' };
        const oneOf = (cls, opts, name, values, fallback) => {
          const v = opts[name];
          if (v === undefined) return fallback;
          const s = String(v);
          if (!values.includes(s)) throw new RangeError(`Value ${s} out of range for Intl.${cls} options property ${name}`);
          return s;
        };
        function NumberFormat(locales, opts) {
          if (new.target === undefined) return new NumberFormat(locales, opts);
          const locale = resolveLocale('Intl.NumberFormat', locales);
          opts = options(opts, 'NumberFormat');
          const style = oneOf('NumberFormat', opts, 'style', ['decimal', 'percent', 'currency', 'unit'], 'decimal');
          if (style === 'unit') throw unsupported('Intl.NumberFormat style "unit"');
          for (const name of ['minimumSignificantDigits', 'maximumSignificantDigits', 'roundingIncrement']) {
            if (opts[name] !== undefined) throw unsupported(`Intl.NumberFormat option ${name}`);
          }
          const notation = oneOf('NumberFormat', opts, 'notation', ['standard', 'scientific', 'engineering', 'compact'], 'standard');
          if (notation !== 'standard') throw unsupported(`Intl.NumberFormat notation "${notation}"`);
          let cur;
          let currencyDisplay = 'symbol';
          if (opts.currency !== undefined) {
            cur = String(opts.currency);
            if (!/^[A-Za-z]{3}$/.test(cur)) throw new RangeError(`Invalid currency code : ${cur}`);
            cur = cur.toUpperCase();
          }
          if (style === 'currency') {
            if (cur === undefined) throw new TypeError('Currency code is required with currency style.');
            currencyDisplay = oneOf('NumberFormat', opts, 'currencyDisplay', ['code', 'symbol', 'narrowSymbol', 'name'], 'symbol');
            if (currencyDisplay === 'name' || currencyDisplay === 'narrowSymbol') throw unsupported(`Intl.NumberFormat currencyDisplay "${currencyDisplay}"`);
          }
          const signDisplay = oneOf('NumberFormat', opts, 'signDisplay', ['auto', 'never', 'always', 'exceptZero', 'negative'], 'auto');
          const minInt = opts.minimumIntegerDigits === undefined ? 1 : Number(opts.minimumIntegerDigits);
          if (!(minInt >= 1 && minInt <= 21)) throw new RangeError('minimumIntegerDigits value is out of range.');
          const curDigits = cur === 'JPY' || cur === 'KRW' ? 0 : 2;
          const min = opts.minimumFractionDigits ?? (style === 'currency' ? curDigits : 0);
          const max = Math.max(min, opts.maximumFractionDigits ?? (style === 'currency' ? curDigits : style === 'percent' ? 0 : 3));
          if (min < 0 || max > 100 || (opts.maximumFractionDigits !== undefined && opts.maximumFractionDigits < min)) throw new RangeError('maximumFractionDigits value is out of range.');
          const grouping = opts.useGrouping === undefined ? 'auto' : opts.useGrouping === false ? false : opts.useGrouping === true ? 'always'
            : oneOf('NumberFormat', opts, 'useGrouping', ['min2', 'auto', 'always', 'true', 'false'], 'auto');
          const o = { locale, numberingSystem: 'latn', style };
          if (style === 'currency') Object.assign(o, { currency: cur, currencyDisplay, currencySign: 'standard' });
          Object.assign(o, {
            minimumIntegerDigits: Math.trunc(minInt), minimumFractionDigits: min, maximumFractionDigits: max,
            useGrouping: grouping === 'true' ? 'always' : grouping === 'false' ? false : grouping,
            notation: 'standard', signDisplay, roundingMode: 'halfExpand', roundingIncrement: 1, trailingZeroDisplay: 'auto', roundingPriority: 'auto',
          });
          setSlot(this, o);
        }
        const numberParts = (o, value) => {
          let n = Number(value);
          if (Number.isNaN(n)) return [['nan', 'NaN']];
          const neg = n < 0 || Object.is(n, -0);
          n = Math.abs(n);
          if (o.style === 'percent') n *= 100;
          let digits = [];
          if (n === Infinity) {
            digits.push(['infinity', '∞']);
          } else {
            let [i, f] = h.fixed(n, o.minimumFractionDigits, o.maximumFractionDigits).split('.');
            i = i.padStart(o.minimumIntegerDigits, '0');
            const group = o.useGrouping !== false && !(o.useGrouping === 'min2' && i.length < 5);
            const groups = group ? i.replace(/\B(?=(\d{3})+(?!\d))/g, ',').split(',') : [i];
            groups.forEach((g, k) => { if (k > 0) digits.push(['group', ',']); digits.push(['integer', g]); });
            if (f !== undefined) digits.push(['decimal', '.'], ['fraction', f]);
          }
          const zero = digits.every(([t, v]) => (t !== 'integer' && t !== 'fraction') || /^0*$/.test(v));
          const out = [];
          switch (o.signDisplay) {
            case 'auto': if (neg) out.push(['minusSign', '-']); break;
            case 'always': out.push(neg ? ['minusSign', '-'] : ['plusSign', '+']); break;
            case 'exceptZero': if (!zero) out.push(neg ? ['minusSign', '-'] : ['plusSign', '+']); break;
            case 'negative': if (neg && !zero) out.push(['minusSign', '-']); break;
          }
          if (o.style === 'currency') {
            const sym = o.currencyDisplay === 'code' ? undefined : currencySymbols[o.currency];
            out.push(['currency', sym ?? o.currency]);
            if (sym === undefined) out.push(['literal', '\u00a0']);
          }
          out.push(...digits);
          if (o.style === 'percent') out.push(['percentSign', '%']);
          return out;
        };
        intlClass(NumberFormat, 'NumberFormat', {
          formatToParts(value) { return numberParts(self(this, 'NumberFormat', 'formatToParts'), value).map(([type, v]) => ({ type, value: v })); },
          resolvedOptions() { return Object.assign({}, self(this, 'NumberFormat', 'resolvedOptions')); },
        }, {
          format() {
            const o = self(this, 'NumberFormat', 'format');
            if (o.bound === undefined) {
              const f = (value) => numberParts(o, value).map((p) => p[1]).join('');
              Object.defineProperty(o, 'bound', { value: f });
            }
            return o.bound;
          },
        });
        return NumberFormat;
      },
      Collator() {
        const stripAccents = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
        const compareStrings = (a, b) => { const c = a.localeCompare(b); return c < 0 ? -1 : c > 0 ? 1 : 0; };
        const numericChunks = (s) => s.match(/\d+|\D+/g) ?? [];
        function Collator(locales, opts) {
          if (new.target === undefined) return new Collator(locales, opts);
          const locale = resolveLocale('Intl.Collator', locales);
          opts = options(opts, 'Collator');
          const sensitivity = opts.sensitivity ?? 'variant';
          if (!['base', 'accent', 'case', 'variant'].includes(sensitivity)) throw new RangeError(`Value ${sensitivity} out of range for Intl.Collator options property sensitivity`);
          const caseFirst = opts.caseFirst ?? 'false';
          setSlot(this, {
            locale, usage: opts.usage ?? 'sort', sensitivity, ignorePunctuation: Boolean(opts.ignorePunctuation), collation: 'default',
            numeric: Boolean(opts.numeric), caseFirst: String(caseFirst),
          });
        }
        const collate = (o, a, b) => {
          a = String(a); b = String(b);
          if (o.ignorePunctuation) { a = a.replace(/[\s!-/:-@[-`{-~]/g, ''); b = b.replace(/[\s!-/:-@[-`{-~]/g, ''); }
          const fold = (s) => {
            if (o.sensitivity === 'base') return stripAccents(s).toLowerCase();
            if (o.sensitivity === 'accent') return s.toLowerCase();
            if (o.sensitivity === 'case') return stripAccents(s);
            return s;
          };
          const fa = fold(a), fb = fold(b);
          if (o.numeric) {
            const ca = numericChunks(fa), cb = numericChunks(fb);
            for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
              const x = ca[i], y = cb[i];
              if (/^\d/.test(x) && /^\d/.test(y)) {
                const nx = x.replace(/^0+(?=\d)/, ''), ny = y.replace(/^0+(?=\d)/, '');
                if (nx.length !== ny.length) return nx.length < ny.length ? -1 : 1;
                if (nx !== ny) return nx < ny ? -1 : 1;
              } else if (x !== y) {
                return compareStrings(x, y);
              }
            }
            if (ca.length !== cb.length) return ca.length < cb.length ? -1 : 1;
            return 0;
          }
          const c = compareStrings(fa, fb);
          if (c !== 0 && o.caseFirst === 'upper' && fa.toLowerCase() === fb.toLowerCase()) return -c;
          return c;
        };
        intlClass(Collator, 'Collator', {
          resolvedOptions() { return Object.assign({}, self(this, 'Collator', 'resolvedOptions')); },
        }, {
          compare() {
            const o = self(this, 'Collator', 'compare');
            if (o.bound === undefined) Object.defineProperty(o, 'bound', { value: (a, b) => collate(o, a, b) });
            return o.bound;
          },
        });
        return Collator;
      },
      DateTimeFormat() {
        // A Date's time value, clipped as the specification's TimeClip does.
        const timeValue = (date) => {
          const x = date === undefined ? Date.now() : Number(date);
          if (!Number.isFinite(x) || Math.abs(x) > 8.64e15) throw new RangeError('Invalid time value');
          return Math.trunc(x) + 0;
        };
        function DateTimeFormat(locales, opts) {
          if (new.target === undefined) return new DateTimeFormat(locales, opts);
          setSlot(this, { f: h.dtf(resolveLocale('Intl.DateTimeFormat', locales), opts, 'any', 'date') });
        }
        intlClass(DateTimeFormat, 'DateTimeFormat', {
          formatToParts(date) {
            const p = h.dtfParts(self(this, 'DateTimeFormat', 'formatToParts').f, timeValue(date));
            const out = [];
            for (let i = 0; i < p.length; i += 2) out.push({ type: p[i], value: p[i + 1] });
            return out;
          },
          resolvedOptions() {
            const r = h.dtfResolved(self(this, 'DateTimeFormat', 'resolvedOptions').f);
            const o = { locale: r[0], calendar: 'gregory', numberingSystem: 'latn', timeZone: r[1] };
            for (let i = 2; i < r.length; i += 2) o[r[i]] = r[i + 1];
            return o;
          },
          formatRange(start, end) {
            const f = self(this, 'DateTimeFormat', 'formatRange').f;
            if (start === undefined || end === undefined) throw new TypeError('startDate or endDate is undefined');
            const a = h.dtfFormat(f, timeValue(start)), b = h.dtfFormat(f, timeValue(end));
            return a === b ? a : `${a}\u2009\u2013\u2009${b}`;
          },
        }, {
          format() {
            const o = self(this, 'DateTimeFormat', 'format');
            if (o.bound === undefined) Object.defineProperty(o, 'bound', { value: (date) => h.dtfFormat(o.f, timeValue(date)) });
            return o.bound;
          },
        });
        return DateTimeFormat;
      },
    };
    const Intl = {};
    for (const name of Object.keys(makers)) {
      const set = (v) => Object.defineProperty(Intl, name, { value: v, writable: true, configurable: true, enumerable: false });
      Object.defineProperty(Intl, name, {
        get() { const v = makers[name](); set(v); return v; },
        set,
        configurable: true,
        enumerable: false,
      });
    }
    define(Intl, {
      PluralRules: function PluralRules() { throw unsupported('Intl.PluralRules'); },
      RelativeTimeFormat: function RelativeTimeFormat() { throw unsupported('Intl.RelativeTimeFormat'); },
      ListFormat: function ListFormat() { throw unsupported('Intl.ListFormat'); },
      getCanonicalLocales: (l) => (l === undefined ? [] : Array.isArray(l) ? l.map(String) : [String(l)]),
    });
    // What Date.prototype.toLocaleString and its kin format with.
    Object.defineProperty(Intl, Symbol.for('tsworker.formatDate'), {
      value: (t, locales, opts, required, defaults) => h.dtfFormat(h.dtf(resolveLocale('Intl.DateTimeFormat', locales), opts, required, defaults), t),
    });
    Object.defineProperty(Intl, Symbol.toStringTag, { value: 'Intl', configurable: true });
    return Intl;
  }

  // The locale-sensitive methods of the built-ins, on Intl: goja's format
  // as en-GB (dates) or not at all (numbers), and ignore their locales and
  // options. The runtime installs them when the bundle calls any of them.
  function installLocaleMethods() {
    const formatDate = Intl[Symbol.for('tsworker.formatDate')];
    const getTime = Date.prototype.getTime;
    const numberValue = Number.prototype.valueOf;
    const origCompare = String.prototype.localeCompare;
    const method = (proto, name, fn) => Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true, enumerable: false });
    const dateMethod = (name, required, defaults) => {
      const fn = {
        [name](locales, options) {
          const t = getTime.call(this);
          if (Number.isNaN(t)) return 'Invalid Date';
          return formatDate(t, locales, options, required, defaults);
        },
      }[name];
      method(Date.prototype, name, fn);
    };
    dateMethod('toLocaleString', 'any', 'all');
    dateMethod('toLocaleDateString', 'date', 'date');
    dateMethod('toLocaleTimeString', 'time', 'time');
    let numberFormat;
    method(Number.prototype, 'toLocaleString', function toLocaleString(locales, options) {
      const x = numberValue.call(this);
      if (locales === undefined && options === undefined) return (numberFormat ??= new Intl.NumberFormat()).format(x);
      return new Intl.NumberFormat(locales, options).format(x);
    });
    method(String.prototype, 'localeCompare', function localeCompare(that, locales, options) {
      if (this === null || this === undefined) throw new TypeError('String.prototype.localeCompare called on null or undefined');
      if (locales === undefined && options === undefined) return origCompare.call(this, that);
      return new Intl.Collator(locales, options).compare(String(this), that);
    });
    method(Array.prototype, 'toLocaleString', function toLocaleString(locales, options) {
      const a = Object(this);
      const n = Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, Math.trunc(Number(a.length)) || 0));
      let out = '';
      for (let i = 0; i < n; i++) {
        if (i > 0) out += ',';
        const v = a[i];
        if (v !== null && v !== undefined) out += String(v.toLocaleString(locales, options));
      }
      return out;
    });
  }

  // Node's assert, as the TypeScript SDK's sandbox provides it (the host's
  // node:assert): the same messages, with values rendered as Node's
  // util.inspect renders them for assertion errors (one property a line,
  // keys sorted) and the line diff of deepStrictEqual and strictEqual. An
  // assert(value) without a message reads "<value> == true": Node prints
  // the call's source instead only when it can read the file, which the
  // sandbox's bundle is not.
  function makeAssert() {
    const isRegExp = (v) => v instanceof RegExp;
    const identifier = /^[A-Za-z_$][\w$]*$/;
    const quote = (s) => {
      const q = !s.includes("'") ? "'" : !s.includes('"') ? '"' : !s.includes('`') && !s.includes('${') ? '`' : "'";
      let out = '';
      for (const ch of s) {
        const c = ch.charCodeAt(0);
        if (ch === q || ch === '\\') out += '\\' + ch;
        else if (ch === '\n') out += '\\n';
        else if (ch === '\t') out += '\\t';
        else if (ch === '\r') out += '\\r';
        else if (ch === '\b') out += '\\b';
        else if (ch === '\f') out += '\\f';
        else if (ch === '\v') out += '\\v';
        else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).toUpperCase().padStart(2, '0');
        else out += ch;
      }
      return q + out + q;
    };
    const byString = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
    // inspect renders v as util.inspect does with compact: false, sorted:
    // true and no depth limit.
    const inspect = (v, indent = '', seen = []) => {
      switch (typeof v) {
        case 'string': return quote(v);
        case 'number': return Object.is(v, -0) ? '-0' : String(v);
        case 'bigint': return `${v}n`;
        case 'symbol': return v.toString();
        case 'undefined': return 'undefined';
        case 'boolean': return String(v);
      }
      if (v === null) return 'null';
      if (seen.includes(v)) return '[Circular *1]';
      const inner = indent + '  ';
      const block = (open, entries, close, sort = true) => {
        if (sort) entries.sort(byString);
        if (entries.length === 0) return `${open}${close}`;
        return `${open}\n${entries.map((e) => inner + e).join(',\n')}\n${indent}${close}`;
      };
      const sub = (x) => inspect(x, inner, seen.concat([v]));
      const key = (k) => (typeof k === 'symbol' ? `[${k.toString()}]` : identifier.test(k) ? k : quote(k));
      const props = (skip) => {
        const out = [];
        for (const k of Reflect.ownKeys(v)) {
          if (skip(k) || !Object.prototype.propertyIsEnumerable.call(v, k)) continue;
          out.push(`${key(k)}: ${sub(v[k])}`);
        }
        return out;
      };
      if (typeof v === 'function') {
        const src = Function.prototype.toString.call(v);
        const head = src.startsWith('class') ? `[class ${v.name || '(anonymous)'}]` : `[Function: ${v.name || '(anonymous)'}]`;
        const extra = props(() => false);
        return extra.length ? block(head + ' {', extra, '}') : head;
      }
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
      if (isRegExp(v)) return String(v);
      if (v instanceof Error) return String(v.stack || v);
      for (const Box of [Number, String, Boolean]) {
        if (v instanceof Box) return `[${Box.name}: ${inspect(Box.prototype.valueOf.call(v))}]`;
      }
      const proto = Object.getPrototypeOf(v);
      const ctor = proto === null ? null : proto.constructor && proto.constructor.name;
      const prefix = (name) => (proto === null ? '[Object: null prototype] ' : ctor === name ? '' : `${ctor || 'Object'} `);
      const indexed = (k) => typeof k === 'string' && /^(0|[1-9]\d*)$/.test(k);
      if (Array.isArray(v)) {
        const items = [];
        let holes = 0;
        const flush = () => { if (holes) items.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`); holes = 0; };
        for (let i = 0; i < v.length; i++) {
          if (!(i in v)) { holes++; continue; }
          flush();
          items.push(sub(v[i]));
        }
        flush();
        const extra = props((k) => indexed(k) || k === 'length').sort(byString);
        const name = ctor !== 'Array' ? `${proto === null ? '[Array(' + v.length + '): null prototype]' : ctor + '(' + v.length + ')'} ` : '';
        return block(`${name}[`, items.concat(extra), ']', false);
      }
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
        const items = Array.from(v, (x) => sub(x));
        return block(`${ctor}(${v.length}) [`, items.concat(props((k) => indexed(k)).sort(byString)), ']', false);
      }
      if (v instanceof Map) {
        const items = [];
        for (const [k, x] of v) items.push(`${sub(k)} => ${sub(x)}`);
        return block(`${ctor === 'Map' ? '' : (ctor || 'Object') + ' '}Map(${v.size}) {`, items.concat(props(() => false)), '}');
      }
      if (v instanceof Set) {
        const items = [];
        for (const x of v) items.push(sub(x));
        return block(`${ctor === 'Set' ? '' : (ctor || 'Object') + ' '}Set(${v.size}) {`, items.concat(props(() => false)), '}');
      }
      return block(`${prefix('Object')}{`, props(() => false), '}');
    };

    const readable = {
      deepStrictEqual: 'Expected values to be strictly deep-equal:',
      strictEqual: 'Expected values to be strictly equal:',
      strictEqualObject: 'Expected "actual" to be reference-equal to "expected":',
      deepEqual: 'Expected values to be loosely deep-equal:',
      notDeepStrictEqual: 'Expected "actual" not to be strictly deep-equal to:',
      notStrictEqual: 'Expected "actual" to be strictly unequal to:',
      notStrictEqualObject: 'Expected "actual" not to be reference-equal to "expected":',
      notDeepEqual: 'Expected "actual" not to be loosely deep-equal to:',
      notIdentical: 'Values have same structure but are not reference-equal:',
      notDeepEqualUnequal: 'Expected values not to be loosely deep-equal:',
    };
    const isObjectLike = (v) => (typeof v === 'object' && v !== null) || typeof v === 'function';

    // diffMessage is the message of a failed strictEqual or
    // deepStrictEqual: both values when they are short, else their lines
    // with the differing ones marked "+ " (actual) and "- " (expected),
    // runs of equal lines collapsed, as Node 20 writes it (no colors, an
    // 80-column terminal).
    const diffMessage = (actual, expected, operator, message) => {
      const head = (op) => message || readable[op];
      const actualText = inspect(actual);
      let aLines = actualText.split('\n');
      let eLines = inspect(expected).split('\n');
      if (operator === 'strictEqual' && ((typeof actual === 'object' && actual !== null && typeof expected === 'object' && expected !== null) ||
        (typeof actual === 'function' && typeof expected === 'function'))) {
        operator = 'strictEqualObject';
      }
      let i = 0;
      let indicator = '';
      if (aLines.length === 1 && eLines.length === 1 && aLines[0] !== eLines[0]) {
        const len = aLines[0].length + eLines[0].length;
        if (len <= 12) {
          if (!isObjectLike(actual) && !isObjectLike(expected) && (actual !== 0 || expected !== 0)) {
            return `${head(operator)}\n\n${aLines[0]} !== ${eLines[0]}\n`;
          }
        } else if (operator !== 'strictEqualObject' && len < 80) {
          while (aLines[0][i] === eLines[0][i]) i++;
          if (i > 2) {
            indicator = `\n  ${' '.repeat(i)}^`;
            i = 0;
          }
        }
      }
      // Equal trailing lines: the last three are kept as context.
      let end = '';
      let other = '';
      let skipped = false;
      let a = aLines[aLines.length - 1];
      let b = eLines[eLines.length - 1];
      while (a === b) {
        if (i++ < 3) end = `\n  ${a}${end}`;
        else other = a;
        aLines.pop();
        eLines.pop();
        if (aLines.length === 0 || eLines.length === 0) break;
        a = aLines[aLines.length - 1];
        b = eLines[eLines.length - 1];
      }
      const maxLines = Math.max(aLines.length, eLines.length);
      if (maxLines === 0) {
        const lines = actualText.split('\n');
        if (lines.length > 50) {
          lines[46] = '...';
          lines.length = 47;
        }
        return `${readable.notIdentical}\n\n${lines.join('\n')}\n`;
      }
      if (i >= 5) {
        end = `\n...${end}`;
        skipped = true;
      }
      if (other !== '') {
        end = `\n  ${other}${end}`;
        other = '';
      }
      let printed = 0;
      let identical = 0;
      let res = '';
      const msg = `${head(operator)}\n+ actual - expected`;
      const skippedMsg = ' ... Lines skipped';
      let lines = aLines;
      let sign = '+';
      let shorter = eLines.length;
      if (aLines.length < maxLines) {
        lines = eLines;
        sign = '-';
        shorter = aLines.length;
      }
      // context writes up to three equal lines before a difference at i.
      const context = (src, at) => {
        if (identical > 2) {
          if (identical > 3) {
            if (identical > 4) {
              if (identical === 5) {
                res += `\n  ${src[at - 3]}`;
                printed++;
              } else {
                res += '\n...';
                skipped = true;
              }
            }
            res += `\n  ${src[at - 2]}`;
            printed++;
          }
          res += `\n  ${src[at - 1]}`;
          printed++;
        }
        identical = 0;
      };
      for (i = 0; i < maxLines; i++) {
        if (shorter < i + 1) {
          context(lines, i);
          if (lines === aLines) res += `\n${sign} ${lines[i]}`;
          else other += `\n${sign} ${lines[i]}`;
          printed++;
        } else {
          const eLine = eLines[i];
          let aLine = aLines[i];
          let differ = aLine !== eLine && (!aLine.endsWith(',') || aLine.slice(0, -1) !== eLine);
          if (differ && eLine.endsWith(',') && eLine.slice(0, -1) === aLine) {
            differ = false;
            aLine += ',';
          }
          if (differ) {
            context(aLines, i);
            res += `\n+ ${aLine}`;
            other += `\n- ${eLine}`;
            printed += 2;
          } else {
            res += other;
            other = '';
            identical++;
            if (identical <= 2) {
              res += `\n  ${aLine}`;
              printed++;
            }
          }
        }
        if (printed > 50 && i < maxLines - 2) {
          return `${msg}${skippedMsg}\n${res}\n...${other}\n...`;
        }
      }
      return `${msg}${skipped ? skippedMsg : ''}\n${res}${other}${end}${indicator}`;
    };

    class AssertionError extends Error {
      constructor(options) {
        if (options === null || typeof options !== 'object') {
          const e = new TypeError(`The "options" argument must be of type object. Received ${options === null ? 'null' : 'type ' + typeof options + ' (' + inspect(options) + ')'}`);
          e.code = 'ERR_INVALID_ARG_TYPE';
          throw e;
        }
        const { message, operator } = options;
        const { actual, expected } = options;
        let text;
        if (message != null) {
          text = operator === 'deepStrictEqual' || operator === 'strictEqual' ? diffMessage(actual, expected, operator, message) : String(message);
        } else if (operator === 'deepStrictEqual' || operator === 'strictEqual') {
          text = diffMessage(actual, expected, operator);
        } else if (operator === 'notDeepStrictEqual' || operator === 'notStrictEqual') {
          let base = readable[operator];
          const res = inspect(actual).split('\n');
          if (operator === 'notStrictEqual' && isObjectLike(actual)) base = readable.notStrictEqualObject;
          if (res.length > 50) {
            res[46] = '...';
            res.length = 47;
          }
          text = res.length === 1 ? `${base}${res[0].length > 5 ? '\n\n' : ' '}${res[0]}` : `${base}\n\n${res.join('\n')}\n`;
        } else {
          let res = inspect(actual);
          let other = inspect(expected);
          const known = readable[operator];
          if (operator === 'notDeepEqual' && res === other) {
            res = `${known}\n\n${res}`;
            text = res.length > 1024 ? `${res.slice(0, 1021)}...` : res;
          } else {
            if (res.length > 512) res = `${res.slice(0, 509)}...`;
            if (other.length > 512) other = `${other.slice(0, 509)}...`;
            if (operator === 'deepEqual') {
              res = `${known}\n\n${res}\n\nshould loosely deep-equal\n\n`;
            } else if (readable[`${operator}Unequal`]) {
              res = `${readable[`${operator}Unequal`]}\n\n${res}\n\nshould not loosely deep-equal\n\n`;
            } else {
              other = ` ${operator} ${other}`;
            }
            text = `${res}${other}`;
          }
        }
        super(text);
        this.generatedMessage = !message;
        this.code = 'ERR_ASSERTION';
        this.actual = actual;
        this.expected = expected;
        this.operator = operator;
        Object.defineProperty(this, 'name', { value: 'AssertionError', writable: true, configurable: true, enumerable: false });
      }
      toString() { return `${this.name} [${this.code}]: ${this.message}`; }
    }
    const raise = (options, generated) => {
      if (options.message instanceof Error) throw options.message;
      const e = new AssertionError(options);
      if (generated !== undefined) e.generatedMessage = generated;
      throw e;
    };

    // isDeep compares as Node's deep equality does: own enumerable keys
    // (and symbols, when strict), prototypes when strict, Dates, RegExps,
    // boxed primitives, an Error's name and message, Map and Set entries
    // (an object entry matching any deep-equal one).
    const isDeep = (a, b, strict, seen) => {
      if (strict ? Object.is(a, b) : a == b || (a !== a && b !== b)) return true;
      if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
        return !strict && (typeof a !== 'object' || a === null) && (typeof b !== 'object' || b === null) && a == b;
      }
      if (strict && Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
      const tag = Object.prototype.toString.call(a);
      if (tag !== Object.prototype.toString.call(b)) return false;
      if (Array.isArray(a) !== Array.isArray(b)) return false;
      if (a instanceof Date && a.getTime() !== b.getTime()) return false;
      if (isRegExp(a) && (String(a) !== String(b) || a.lastIndex !== b.lastIndex)) return false;
      if (a instanceof Error && (a.message !== b.message || a.name !== b.name)) return false;
      for (const Box of [Number, String, Boolean, BigInt, Symbol]) {
        if (a instanceof Box !== b instanceof Box) return false;
        if (a instanceof Box && !Object.is(Box.prototype.valueOf.call(a), Box.prototype.valueOf.call(b))) return false;
      }
      if (seen.has(a)) return seen.get(a) === b;
      seen.set(a, b);
      const keys = (o) => {
        const out = Object.keys(o);
        if (strict) for (const k of Object.getOwnPropertySymbols(o)) if (Object.prototype.propertyIsEnumerable.call(o, k)) out.push(k);
        return out;
      };
      const ka = keys(a), kb = keys(b);
      if (ka.length !== kb.length) return false;
      for (const k of ka) if (!Object.prototype.propertyIsEnumerable.call(b, k) || !isDeep(a[k], b[k], strict, seen)) return false;
      // An entry of a that b lacks may still equal one of b's objects.
      const matchEntry = (rest, pred) => {
        const i = rest.findIndex(pred);
        if (i < 0) return false;
        rest.splice(i, 1);
        return true;
      };
      if (a instanceof Map) {
        if (a.size !== b.size) return false;
        const rest = [...b].filter(([k]) => !a.has(k) || typeof k === 'object');
        for (const [k, v] of a) {
          if (b.has(k) && (typeof k !== 'object' || k === null)) {
            if (!isDeep(v, b.get(k), strict, seen)) return false;
          } else if (!matchEntry(rest, ([k2, v2]) => isDeep(k, k2, strict, new Map(seen)) && isDeep(v, v2, strict, new Map(seen)))) {
            return false;
          }
        }
      } else if (a instanceof Set) {
        if (a.size !== b.size) return false;
        const rest = [...b].filter((v) => !a.has(v) || typeof v === 'object');
        for (const v of a) {
          if (b.has(v) && (typeof v !== 'object' || v === null)) continue;
          if (!matchEntry(rest, (v2) => isDeep(v, v2, strict, new Map(seen)))) return false;
        }
      }
      return true;
    };
    const deepStrict = (a, b) => isDeep(a, b, true, new Map());

    // checkError throws unless err is what expected describes, as Node's
    // throws and rejects check it.
    const checkError = (err, expected, message, fn) => {
      if (expected === undefined) return;
      if (isRegExp(expected)) {
        const str = String(err);
        if (expected.test(str)) return;
        raise({ actual: err, expected, operator: fn, message: message || `The input did not match the regular expression ${inspect(expected)}. Input:\n\n${inspect(str)}\n` }, !message);
      }
      if (typeof expected !== 'function') {
        if (typeof err !== 'object' || err === null) {
          const e = new AssertionError({ actual: err, expected, message, operator: 'deepStrictEqual' });
          e.operator = fn;
          throw e;
        }
        const keys = Reflect.ownKeys(expected);
        if (expected instanceof Error) keys.push('name', 'message');
        for (const k of keys) {
          if (typeof err[k] === 'string' && isRegExp(expected[k]) && expected[k].test(err[k])) continue;
          if (k in err && deepStrict(err[k], expected[k])) continue;
          if (!message) {
            class Comparison {}
            const a = new Comparison(), b = new Comparison();
            for (const key of keys) {
              if (key in err) a[key] = err[key];
              if (key in expected) {
                b[key] = typeof err[key] === 'string' && isRegExp(expected[key]) && expected[key].test(err[key]) ? err[key] : expected[key];
              }
            }
            const e = new AssertionError({ actual: a, expected: b, operator: 'deepStrictEqual' });
            e.actual = err;
            e.expected = expected;
            e.operator = fn;
            throw e;
          }
          raise({ actual: err, expected, message, operator: fn });
        }
        return;
      }
      if (expected.prototype !== undefined && err instanceof expected) return;
      if (Error.isPrototypeOf(expected)) {
        if (!message) {
          let text = `The error is expected to be an instance of "${expected.name}". Received `;
          if (err instanceof Error) text += `"${err.constructor && err.constructor.name}"`;
          else text += `"${inspect(err)}"`;
          if (err && err.message) text += `\n\nError message:\n\n${err.message}`;
          message = text;
          raise({ actual: err, expected, message, operator: fn }, true);
        }
        raise({ actual: err, expected, message, operator: fn });
      }
      const res = expected.call({}, err);
      if (res !== true) {
        if (!message) {
          let text = `The ${expected.name ? `"${expected.name}" ` : ''}validation function is expected to return "true". Received ${inspect(res)}`;
          if (err instanceof Error) text += `\n\nCaught error:\n\n${err}`;
          raise({ actual: err, expected, message: text, operator: fn }, true);
        }
        raise({ actual: err, expected, message, operator: fn });
      }
    };
    const missing = (fn, expected, message, what) => {
      if (typeof expected === 'string') { message = expected; expected = undefined; }
      const name = expected && typeof expected.name === 'string' && expected.name ? ` (${expected.name})` : '';
      raise({ actual: undefined, expected, operator: fn, message: `Missing expected ${what}${name}${message ? `: ${message}` : '.'}` });
    };
    const unwanted = (err, expected, message, fn, what) => {
      if (typeof expected === 'string') { message = expected; expected = undefined; }
      if (expected !== undefined && !(typeof expected === 'function' && expected.prototype !== undefined && err instanceof expected)) throw err;
      raise({ actual: err, expected, operator: fn, message: `Got unwanted ${what}${message ? `: ${message}` : '.'}\nActual message: "${err && err.message}"` });
    };
    const matcher = (fn, wanted) => function (string, regexp, message) {
      if (!isRegExp(regexp)) {
        const e = new TypeError(`The "regexp" argument must be an instance of RegExp. Received ${inspect(regexp)}`);
        e.code = 'ERR_INVALID_ARG_TYPE';
        throw e;
      }
      if (typeof string !== 'string' || regexp.test(string) !== wanted) {
        if (message instanceof Error) throw message;
        const generated = !message;
        const text = message || (typeof string !== 'string'
          ? `The "string" argument must be of type string. Received type ${typeof string} (${inspect(string)})`
          : (wanted ? 'The input did not match the regular expression ' : 'The input was expected to not match the regular expression ') +
            `${inspect(regexp)}. Input:\n\n${inspect(string)}\n`);
        raise({ actual: string, expected: regexp, message: text, operator: fn }, generated);
      }
    };

    function ok(value, message) {
      if (arguments.length === 0) raise({ actual: undefined, expected: true, message: 'No value argument passed to `assert.ok()`', operator: '==' }, true);
      if (!value) raise({ actual: value, expected: true, message, operator: '==' });
    }
    const assert = function assert(value, message) { return ok.apply(undefined, arguments); };
    const api = {
      AssertionError,
      ok,
      fail(message) {
        if (message instanceof Error) throw message;
        raise({ actual: undefined, expected: undefined, operator: 'fail', message: message === undefined ? 'Failed' : message }, message === undefined);
      },
      equal(a, b, m) { if (!(a == b || (a !== a && b !== b))) raise({ actual: a, expected: b, message: m, operator: '==' }); },
      notEqual(a, b, m) { if (a == b || (a !== a && b !== b)) raise({ actual: a, expected: b, message: m, operator: '!=' }); },
      strictEqual(a, b, m) { if (!Object.is(a, b)) raise({ actual: a, expected: b, message: m, operator: 'strictEqual' }); },
      notStrictEqual(a, b, m) { if (Object.is(a, b)) raise({ actual: a, expected: b, message: m, operator: 'notStrictEqual' }); },
      deepEqual(a, b, m) { if (!isDeep(a, b, false, new Map())) raise({ actual: a, expected: b, message: m, operator: 'deepEqual' }); },
      notDeepEqual(a, b, m) { if (isDeep(a, b, false, new Map())) raise({ actual: a, expected: b, message: m, operator: 'notDeepEqual' }); },
      deepStrictEqual(a, b, m) { if (!deepStrict(a, b)) raise({ actual: a, expected: b, message: m, operator: 'deepStrictEqual' }); },
      notDeepStrictEqual(a, b, m) { if (deepStrict(a, b)) raise({ actual: a, expected: b, message: m, operator: 'notDeepStrictEqual' }); },
      match: matcher('match', true),
      doesNotMatch: matcher('doesNotMatch', false),
      ifError(err) {
        if (err === null || err === undefined) return;
        let message = 'ifError got unwanted exception: ';
        if (typeof err === 'object' && typeof err.message === 'string') {
          message += err.message.length === 0 && err.constructor ? err.constructor.name : err.message;
        } else {
          message += inspect(err);
        }
        raise({ actual: err, expected: null, operator: 'ifError', message });
      },
      throws(fn, expected, message) {
        try { fn(); } catch (err) {
          if (typeof expected === 'string') { message = expected; expected = undefined; }
          checkError(err, expected, message, 'throws');
          return;
        }
        missing('throws', expected, message, 'exception');
      },
      doesNotThrow(fn, expected, message) {
        try { fn(); } catch (err) { unwanted(err, expected, message, 'doesNotThrow', 'exception'); }
      },
      async rejects(p, expected, message) {
        try { await (typeof p === 'function' ? p() : p); } catch (err) {
          if (typeof expected === 'string') { message = expected; expected = undefined; }
          checkError(err, expected, message, 'rejects');
          return;
        }
        missing('rejects', expected, message, 'rejection');
      },
      async doesNotReject(p, expected, message) {
        try { await (typeof p === 'function' ? p() : p); } catch (err) { unwanted(err, expected, message, 'doesNotReject', 'rejection'); }
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
