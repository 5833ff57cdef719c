package jsruntime

import "github.com/dop251/goja"

// newCrypto makes the global crypto: randomUUID and getRandomValues, both
// from the run's seeded generator.
func (r *Runtime) newCrypto(g *lazyGlobals) goja.Value { return r.webBuild("crypto", nil) }

// newIntl makes the global Intl. goja has none and no locale data: it
// formats numbers and compares strings as en-US, and throws a RangeError
// that says so for anything else (other locales, DateTimeFormat).
func (r *Runtime) newIntl(g *lazyGlobals) goja.Value { return r.webBuild("Intl", nil) }
