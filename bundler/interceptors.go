package bundler

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
)

// InterceptorsGlobal is the global a bundle built with interceptor modules
// (Options.InterceptorModules) assigns the list of those modules (their
// module namespace objects, in order) to.
const InterceptorsGlobal = "__tsworker_interceptors"

// interceptorsEntry is the part of pass 2's generated entry that imports
// the interceptor modules and lists them on InterceptorsGlobal.
func interceptorsEntry(modules []string) (string, error) {
	if len(modules) == 0 {
		return "", nil
	}
	var b strings.Builder
	for i, m := range modules {
		abs, err := filepath.Abs(m)
		if err != nil {
			return "", fmt.Errorf("interceptor module %s: %w", m, err)
		}
		q, _ := json.Marshal(filepath.ToSlash(abs))
		fmt.Fprintf(&b, "import * as __wi%d from %s;\n", i, q)
	}
	fmt.Fprintf(&b, "globalThis.%s = [", InterceptorsGlobal)
	for i := range modules {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "__wi%d", i)
	}
	b.WriteString("];\n")
	return b.String(), nil
}
