package bundler

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/evanw/esbuild/pkg/api"

	"github.com/tsworker/tsworker/internal/jsruntime"
)

// InterceptorsGlobal is the global a bundle built with interceptor modules
// (Options.InterceptorModules) assigns the list of those modules (their
// module namespace objects, in order) to.
const InterceptorsGlobal = "__tsworker_interceptors"

// InterceptorsReadyGlobal is the global function, if a run defines one,
// that a bundle with interceptor modules calls once those modules are
// evaluated and listed on InterceptorsGlobal, before the workflows file is
// evaluated: the run calls the modules' factories there, as the TypeScript
// SDK calls them before it imports the workflows.
const InterceptorsReadyGlobal = "__tsworker_interceptors_ready"

// setupModule is the path of the module pass 2's entry imports first (see
// setupEntry).
const setupModule = "tsworker:setup"

// setupEntry is the module the entry of pass 2 imports before the
// workflows file, so that what it imports is evaluated first, in the
// TypeScript SDK's order: the payload converter module (its
// payloadConverter set on jsruntime.PayloadConverterGlobal), then the
// interceptor modules (listed on InterceptorsGlobal, then
// InterceptorsReadyGlobal called). Empty without either.
func setupEntry(payloadConverter string, modules []string) (string, error) {
	var b strings.Builder
	if payloadConverter != "" {
		abs, err := filepath.Abs(payloadConverter)
		if err != nil {
			return "", fmt.Errorf("payload converter %s: %w", payloadConverter, err)
		}
		q, _ := json.Marshal(filepath.ToSlash(abs))
		fmt.Fprintf(&b, "import { payloadConverter as __pc } from %s;\nglobalThis.%s = __pc;\n", q, jsruntime.PayloadConverterGlobal)
	}
	var paths []string
	for _, m := range modules {
		abs, err := filepath.Abs(m)
		if err != nil {
			return "", fmt.Errorf("interceptor module %s: %w", m, err)
		}
		// A module listed twice is imported, and its factory called,
		// once, as in the TypeScript SDK.
		if abs = filepath.ToSlash(abs); !slices.Contains(paths, abs) {
			paths = append(paths, abs)
		}
	}
	if len(paths) == 0 {
		return b.String(), nil
	}
	for i, p := range paths {
		q, _ := json.Marshal(p)
		fmt.Fprintf(&b, "import * as __wi%d from %s;\n", i, q)
	}
	fmt.Fprintf(&b, "globalThis.%s = [", InterceptorsGlobal)
	for i := range paths {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "__wi%d", i)
	}
	b.WriteString("];\n")
	fmt.Fprintf(&b, "globalThis.%s?.();\n", InterceptorsReadyGlobal)
	return b.String(), nil
}

// setupPlugin serves setupModule with contents.
func setupPlugin(contents, resolveDir string) api.Plugin {
	return api.Plugin{
		Name: "tsworker-setup",
		Setup: func(b api.PluginBuild) {
			b.OnResolve(api.OnResolveOptions{Filter: "^tsworker:setup$"}, func(api.OnResolveArgs) (api.OnResolveResult, error) {
				return api.OnResolveResult{Path: setupModule, Namespace: "tsworker-setup"}, nil
			})
			b.OnLoad(api.OnLoadOptions{Filter: ".*", Namespace: "tsworker-setup"}, func(api.OnLoadArgs) (api.OnLoadResult, error) {
				return api.OnLoadResult{Contents: &contents, ResolveDir: resolveDir, Loader: api.LoaderJS}, nil
			})
		},
	}
}
