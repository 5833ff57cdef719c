package jsruntime

import (
	"fmt"
	"unicode/utf16"

	"github.com/dop251/goja"
)

// JSON.parse's syntax errors are worded as V8 (Node.js 20) words them, for
// JSON.parse in workflow code and for the payloads the runtime decodes: a
// workflow whose arguments are malformed fails its task with the message
// the TypeScript SDK's fails it with. goja's own JSON.parse reports the Go
// JSON decoder's text ("invalid character 'n' looking for ..."); on an
// error, the wrapper scans the text again as V8's JSON parser does and
// throws a SyntaxError with V8's message instead. Valid JSON never takes
// that path.

// jsonWithParse replaces JSON.parse with the wrapper and returns JSON: the
// lazy global NameJSON, which the bundler makes workflow code use for
// JSON. Until workflow code touches it, the global object's JSON (and
// goja's parse) is not even made.
func (r *Runtime) jsonWithParse(*lazyGlobals) goja.Value {
	j := r.VM.Get("JSON").ToObject(r.VM)
	parse, ok := goja.AssertFunction(j.Get("parse"))
	if !ok {
		return j
	}
	wrapper := r.VM.ToValue(func(c goja.FunctionCall) goja.Value {
		v, err := parse(c.This, c.Arguments...)
		if err != nil {
			panic(r.v8JSONException(err, c.Argument(0)))
		}
		return v
	}).ToObject(r.VM)
	// As V8's: parse.name "parse", parse.length 2.
	_ = wrapper.DefineDataProperty("name", r.VM.ToValue("parse"), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE)
	_ = wrapper.DefineDataProperty("length", r.VM.ToValue(2), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE)
	_ = j.DefineDataProperty("parse", wrapper, goja.FLAG_TRUE, goja.FLAG_FALSE, goja.FLAG_TRUE)
	return j
}

// v8JSONException is what the wrapper throws for goja's error err on text:
// a SyntaxError with V8's message, or err's own value when the text is
// valid JSON (the reviver threw) or the error is not goja's syntax error.
func (r *Runtime) v8JSONException(err error, text goja.Value) goja.Value {
	ex, ok := err.(*goja.Exception)
	if !ok {
		return r.VM.NewGoError(err)
	}
	syntaxError := r.VM.Get("SyntaxError").ToObject(r.VM)
	if o, isObj := ex.Value().(*goja.Object); !isObj || !r.VM.InstanceOf(o, syntaxError) {
		return ex.Value()
	}
	msg, invalid := v8JSONError(text.String())
	if !invalid {
		return ex.Value()
	}
	e, nerr := r.VM.New(syntaxError, r.VM.ToValue(msg))
	if nerr != nil {
		return ex.Value()
	}
	return e
}

// v8JSONError returns the message of the SyntaxError V8 (Node.js 20) throws
// for JSON.parse(text), and false when text is valid JSON. Positions count
// UTF-16 code units, as in JavaScript.
func v8JSONError(text string) (string, bool) {
	p := &v8JSONScan{s: utf16.Encode([]rune(text)), text: text}
	msg := p.run()
	return msg, msg != ""
}

// v8JSONScan follows V8's JsonParser: the same grammar, checked in the same
// order, failing at the same places with the same message templates.
type v8JSONScan struct {
	s    []uint16
	text string
	pos  int
}

// v8JSONFail carries a message out of the scan.
type v8JSONFail struct{ msg string }

func (p *v8JSONScan) run() (msg string) {
	defer func() {
		if x := recover(); x != nil {
			f, ok := x.(v8JSONFail)
			if !ok {
				panic(x)
			}
			msg = f.msg
		}
	}()
	p.value()
	p.skipSpace()
	if !p.eos() {
		panic(v8JSONFail{fmt.Sprintf("Unexpected non-whitespace character after JSON at position %d", p.pos)})
	}
	return ""
}

func (p *v8JSONScan) eos() bool    { return p.pos >= len(p.s) }
func (p *v8JSONScan) peek() uint16 { return p.s[p.pos] }

// at reports whether the next unit is c.
func (p *v8JSONScan) at(c uint16) bool { return !p.eos() && p.s[p.pos] == c }

func (p *v8JSONScan) skipSpace() {
	for !p.eos() {
		switch p.peek() {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// fail ends the scan with one of V8's "... in JSON at position N" messages.
func (p *v8JSONScan) fail(what string) {
	panic(v8JSONFail{fmt.Sprintf("%s in JSON at position %d", what, p.pos)})
}

// unexpected ends the scan on a token that cannot come here, as V8's
// ReportUnexpectedToken does without a specific message.
func (p *v8JSONScan) unexpected() {
	if p.eos() {
		panic(v8JSONFail{"Unexpected end of JSON input"})
	}
	switch p.text {
	case "[object Object]", "undefined", "Infinity", "NaN":
		panic(v8JSONFail{fmt.Sprintf("\"%s\" is not valid JSON", p.text)})
	}
	// Some context: the whole text when short, else 10 units either side.
	const context = 10
	tok := string(utf16.Decode(p.s[p.pos : p.pos+1]))
	n := len(p.s)
	sub := func(i, j int) string { return string(utf16.Decode(p.s[i:j])) }
	var msg string
	switch {
	case n < 2*context+1:
		msg = fmt.Sprintf("Unexpected token '%s', \"%s\" is not valid JSON", tok, p.text)
	case p.pos < context:
		msg = fmt.Sprintf("Unexpected token '%s', \"%s\"... is not valid JSON", tok, sub(0, p.pos+context))
	case p.pos < n-context:
		msg = fmt.Sprintf("Unexpected token '%s', ...\"%s\"... is not valid JSON", tok, sub(p.pos-context, p.pos+context))
	default:
		msg = fmt.Sprintf("Unexpected token '%s', ...\"%s\" is not valid JSON", tok, sub(p.pos-context, n))
	}
	panic(v8JSONFail{msg})
}

func (p *v8JSONScan) value() {
	p.skipSpace()
	if p.eos() {
		p.unexpected()
	}
	switch c := p.peek(); {
	case c == '"':
		p.str()
	case c == '-' || isDigit16(c):
		p.number()
	case c == '{':
		p.object()
	case c == '[':
		p.array()
	case c == 't':
		p.literal("true")
	case c == 'f':
		p.literal("false")
	case c == 'n':
		p.literal("null")
	default:
		p.unexpected()
	}
}

func (p *v8JSONScan) object() {
	p.pos++ // {
	p.skipSpace()
	if p.at('}') {
		p.pos++
		return
	}
	if !p.at('"') {
		p.fail("Expected property name or '}'")
	}
	for {
		p.str()
		p.skipSpace()
		if !p.at(':') {
			p.fail("Expected ':' after property name")
		}
		p.pos++
		p.value()
		p.skipSpace()
		switch {
		case p.at(','):
			p.pos++
			p.skipSpace()
			if !p.at('"') {
				p.fail("Expected double-quoted property name")
			}
		case p.at('}'):
			p.pos++
			return
		default:
			p.fail("Expected ',' or '}' after property value")
		}
	}
}

func (p *v8JSONScan) array() {
	p.pos++ // [
	p.skipSpace()
	if p.at(']') {
		p.pos++
		return
	}
	for {
		p.value()
		p.skipSpace()
		switch {
		case p.at(','):
			p.pos++
		case p.at(']'):
			p.pos++
			return
		default:
			p.fail("Expected ',' or ']' after array element")
		}
	}
}

func (p *v8JSONScan) literal(word string) {
	for i := 0; i < len(word); i++ {
		if p.eos() || p.peek() != uint16(word[i]) {
			p.unexpected()
		}
		p.pos++
	}
}

func (p *v8JSONScan) str() {
	p.pos++ // "
	for {
		if p.eos() {
			p.fail("Unterminated string")
		}
		c := p.peek()
		switch {
		case c == '"':
			p.pos++
			return
		case c < 0x20:
			p.fail("Bad control character in string literal")
		case c == '\\':
			p.pos++
			if p.eos() {
				p.unexpected()
			}
			switch p.peek() {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.pos++
			case 'u':
				p.pos++
				for i := 0; i < 4; i++ {
					if p.eos() || !isHex16(p.peek()) {
						p.fail("Bad Unicode escape")
					}
					p.pos++
				}
			default:
				p.fail("Bad escaped character")
			}
		default:
			p.pos++
		}
	}
}

func (p *v8JSONScan) number() {
	if p.at('-') {
		p.pos++
		if p.eos() || !isDigit16(p.peek()) {
			p.fail("No number after minus sign")
		}
	}
	if p.at('0') {
		p.pos++
		if !p.eos() && isDigit16(p.peek()) {
			panic(v8JSONFail{fmt.Sprintf("Unexpected number in JSON at position %d", p.pos)})
		}
	} else {
		p.digits()
	}
	if p.at('.') {
		p.pos++
		if p.eos() || !isDigit16(p.peek()) {
			p.fail("Unterminated fractional number")
		}
		p.digits()
	}
	if p.at('e') || p.at('E') {
		p.pos++
		if p.at('+') || p.at('-') {
			p.pos++
		}
		if p.eos() || !isDigit16(p.peek()) {
			p.fail("Exponent part is missing a number")
		}
		p.digits()
	}
}

func (p *v8JSONScan) digits() {
	for !p.eos() && isDigit16(p.peek()) {
		p.pos++
	}
}

func isDigit16(c uint16) bool { return c >= '0' && c <= '9' }

func isHex16(c uint16) bool {
	return isDigit16(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
