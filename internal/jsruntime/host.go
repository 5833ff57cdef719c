package jsruntime

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/dop251/goja"
)

// webHost returns the object of Go host functions web.js is built on. It is
// a host object whose functions are made on first use and kept.
func (r *Runtime) webHost() goja.Value {
	if r.host == nil {
		r.host = r.VM.NewDynamicObject(&hostFuncs{r: r, made: map[string]goja.Value{}})
	}
	return r.host
}

// hostFuncs is the DynamicObject behind webHost.
type hostFuncs struct {
	r    *Runtime
	made map[string]goja.Value
}

// webHostFuncs are the host functions web.js reads from webHost, by name.
var webHostFuncs = map[string]func(*Runtime, goja.FunctionCall) goja.Value{
	"encode":         (*Runtime).hostEncode,
	"decode":         (*Runtime).hostDecode,
	"parseURL":       (*Runtime).hostParseURL,
	"parseQuery":     (*Runtime).hostParseQuery,
	"serializeQuery": (*Runtime).hostSerializeQuery,
	"violation":      (*Runtime).hostViolation,
	"expandRegExp":   (*Runtime).hostExpandRegExp,
	"dtf":            (*Runtime).hostDateTimeFormat,
	"dtfFormat":      (*Runtime).hostDateTimeFormatString,
	"dtfParts":       (*Runtime).hostDateTimeFormatParts,
	"dtfResolved":    (*Runtime).hostDateTimeResolved,
	"fixed":          (*Runtime).hostFixed,
}

func (h *hostFuncs) Get(name string) goja.Value {
	if v, ok := h.made[name]; ok {
		return v
	}
	fn, ok := webHostFuncs[name]
	if !ok {
		return nil
	}
	r := h.r
	v := r.VM.ToValue(func(c goja.FunctionCall) goja.Value { return fn(r, c) })
	h.made[name] = v
	return v
}

func (h *hostFuncs) Set(string, goja.Value) bool { return false }
func (h *hostFuncs) Has(name string) bool        { return h.Get(name) != nil }
func (h *hostFuncs) Delete(string) bool          { return false }
func (h *hostFuncs) Keys() []string              { return nil }

// hostViolation(message) throws a DeterminismViolationError.
func (r *Runtime) hostViolation(c goja.FunctionCall) goja.Value {
	return r.determinismViolation(c.Argument(0).String())
}

// hostEncode(string) returns the string's UTF-8 bytes as an ArrayBuffer;
// lone surrogates become U+FFFD, as TextEncoder does.
func (r *Runtime) hostEncode(c goja.FunctionCall) goja.Value {
	s := c.Argument(0).String()
	return r.VM.ToValue(r.VM.NewArrayBuffer([]byte(strings.ToValidUTF8(s, "\uFFFD"))))
}

// hostDecode(bytes: Uint8Array, encoding, fatal, ignoreBOM) decodes bytes
// as TextDecoder does, for utf-8 and utf-16le.
func (r *Runtime) hostDecode(c goja.FunctionCall) goja.Value {
	b, _ := c.Argument(0).Export().([]byte)
	enc := c.Argument(1).String()
	fatal := c.Argument(2).ToBoolean()
	ignoreBOM := c.Argument(3).ToBoolean()
	switch enc {
	case "utf-16le":
		if !ignoreBOM && len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE {
			b = b[2:]
		}
		if len(b)%2 == 1 {
			if fatal {
				panic(r.typeErrorCode("ERR_ENCODING_INVALID_ENCODED_DATA", "The encoded data was not valid for encoding utf-16le"))
			}
			b = append(b[:len(b)-1:len(b)-1], 0xFD, 0xFF)
		}
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		}
		return r.VM.ToValue(string(utf16.Decode(u)))
	default:
		if !ignoreBOM && len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
			b = b[3:]
		}
		if !utf8.Valid(b) {
			if fatal {
				panic(r.typeErrorCode("ERR_ENCODING_INVALID_ENCODED_DATA", "The encoded data was not valid for encoding utf-8"))
			}
			return r.VM.ToValue(strings.ToValidUTF8(string(b), "\uFFFD"))
		}
		return r.VM.ToValue(string(b))
	}
}

// typeErrorCode is a TypeError with a Node.js error code.
func (r *Runtime) typeErrorCode(code, msg string) *goja.Object {
	e := r.VM.NewTypeError(msg)
	_ = e.Set("code", code)
	return e
}

// specialPorts are the schemes the URL standard calls special, with their
// default ports ("" for file).
var specialPorts = map[string]string{"http": "80", "https": "443", "ws": "80", "wss": "443", "ftp": "21", "file": ""}

// hostParseURL(input, base?) parses a URL as the URL standard does, closely
// enough for workflow code: it returns [href, protocol, username, password,
// hostname, port, pathname, search, hash, origin], or null when input is not
// a valid URL.
func (r *Runtime) hostParseURL(c goja.FunctionCall) goja.Value {
	base := c.Argument(1)
	hasBase := !goja.IsUndefined(base)
	u, ok := parseURL(c.Argument(0).String(), base.String(), hasBase)
	if !ok {
		return goja.Null()
	}
	return r.VM.ToValue(urlParts(u))
}

func cleanURLInput(s string) string {
	s = strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, s)
}

func parseURL(input, base string, hasBase bool) (*url.URL, bool) {
	input = cleanURLInput(input)
	u, err := url.Parse(input)
	if err != nil || u.Scheme == "" {
		if !hasBase {
			return nil, false
		}
		b, ok := parseURL(base, "", false)
		if !ok {
			return nil, false
		}
		if _, special := specialPorts[b.Scheme]; special {
			input = strings.ReplaceAll(input, `\`, "/")
		}
		ref, err := url.Parse(input)
		if err != nil {
			return nil, false
		}
		u = b.ResolveReference(ref)
	}
	port, special := specialPorts[u.Scheme]
	if special {
		if u.Opaque != "" { // "http:example.com" means "http://example.com"
			v, err := url.Parse(u.Scheme + "://" + strings.TrimLeft(u.Opaque, "/"))
			if err != nil {
				return nil, false
			}
			v.RawQuery, v.Fragment = u.RawQuery, u.Fragment
			u = v
		}
		if u.Host == "" && u.Scheme != "file" {
			return nil, false
		}
		u.Host = strings.ToLower(u.Host)
		if u.Port() == port {
			u.Host = u.Hostname()
			if strings.Contains(u.Host, ":") {
				u.Host = "[" + u.Host + "]"
			}
		}
		if u.Path == "" {
			u.Path = "/"
		}
		if strings.Contains(u.Path, "/.") {
			root := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/"}
			clean := root.ResolveReference(&url.URL{Path: u.Path})
			u.Path, u.RawPath = clean.Path, ""
		}
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n > 65535 {
			return nil, false
		}
	}
	return u, true
}

func urlParts(u *url.URL) []any {
	var user, pass string
	if u.User != nil {
		user = u.User.Username()
		pass, _ = u.User.Password()
	}
	protocol := u.Scheme + ":"
	path := u.EscapedPath()
	if u.Opaque != "" {
		path = u.Opaque
	}
	var search, hash string
	if u.RawQuery != "" {
		search = "?" + escapeURLPart(u.RawQuery, `"<>'`)
	}
	if u.Fragment != "" {
		hash = "#" + escapeURLPart(u.EscapedFragment(), "\"<>`")
	}
	var b strings.Builder
	b.WriteString(protocol)
	if u.Host != "" || u.Scheme == "file" || u.User != nil {
		b.WriteString("//")
		if user != "" || pass != "" {
			b.WriteString(url.PathEscape(user))
			if pass != "" {
				b.WriteString(":" + url.PathEscape(pass))
			}
			b.WriteString("@")
		}
		b.WriteString(u.Host)
	}
	b.WriteString(path)
	b.WriteString(search)
	b.WriteString(hash)
	origin := "null"
	if p, special := specialPorts[u.Scheme]; special && u.Scheme != "file" {
		_ = p
		origin = protocol + "//" + u.Host
	}
	return []any{b.String(), protocol, user, pass, u.Hostname(), u.Port(), path, search, hash, origin}
}

// escapeURLPart percent-encodes spaces, controls and the bytes in extra.
func escapeURLPart(s, extra string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == 0x7f || strings.IndexByte(extra, c) >= 0 {
			b.WriteString("%" + strings.ToUpper(strconv.FormatInt(int64(c)|0x100, 16)[1:]))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// hostParseQuery(string) parses application/x-www-form-urlencoded text
// into a flat [name, value, name, value, ...] array.
func (r *Runtime) hostParseQuery(c goja.FunctionCall) goja.Value {
	s := strings.TrimPrefix(c.Argument(0).String(), "?")
	out := []any{}
	for _, part := range strings.Split(s, "&") {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		out = append(out, formDecode(name), formDecode(value))
	}
	return r.VM.ToValue(out)
}

// formDecode decodes + and %XX; a malformed escape stays as it is.
func formDecode(s string) string {
	if !strings.ContainsAny(s, "+%") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b = append(b, ' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			n, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b = append(b, byte(n))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// hostSerializeQuery(pairs) serializes a flat [name, value, ...] array as
// application/x-www-form-urlencoded text.
func (r *Runtime) hostSerializeQuery(c goja.FunctionCall) goja.Value {
	arr := c.Argument(0).ToObject(r.VM)
	n := int(arr.Get("length").ToInteger())
	var b strings.Builder
	for i := 0; i+1 < n; i += 2 {
		if i > 0 {
			b.WriteByte('&')
		}
		formEncode(&b, arr.Get(strconv.Itoa(i)).String())
		b.WriteByte('=')
		formEncode(&b, arr.Get(strconv.Itoa(i+1)).String())
	}
	return r.VM.ToValue(b.String())
}

func formEncode(b *strings.Builder, s string) {
	s = strings.ToValidUTF8(s, "\uFFFD")
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '*', c == '-', c == '.', c == '_':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
}
