package jsruntime

import "github.com/dop251/goja"

func (r *Runtime) newCrypto(g *lazyGlobals) goja.Value { return r.webBuild("crypto", nil) }

func (r *Runtime) newIntl(g *lazyGlobals) goja.Value { return nil }
