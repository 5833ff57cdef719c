package bundler

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	b64 "encoding/base64"

	"github.com/evanw/esbuild/pkg/api"

	"github.com/tsworker/tsworker/internal/wfmodule"
)

// nodeBuiltins are the modules of Node.js that do not exist in the workflow
// sandbox. assert, url and util are not among them: as in the TypeScript
// SDK, they are small built-in modules (nodeShims).
var nodeBuiltins = []string{
	"async_hooks", "buffer", "child_process", "cluster", "console", "constants",
	"crypto", "dgram", "diagnostics_channel", "dns", "domain", "events", "fs", "http", "http2",
	"https", "inspector", "module", "net", "os", "path", "perf_hooks", "process", "punycode",
	"querystring", "readline", "repl", "stream", "string_decoder", "sys", "timers", "tls",
	"trace_events", "tty", "v8", "vm", "wasi", "worker_threads", "zlib", "test",
	"sqlite",
}

// forbiddenPackages are Temporal packages that exist for code outside
// workflows.
var forbiddenPackages = map[string]string{
	"@temporalio/activity": "activities are Go functions registered on the worker; call them with proxyActivities",
	"@temporalio/client":   "start and signal workflows from outside the workflow (a Go client or the tsworker CLI); inside a workflow use getExternalWorkflowHandle or startChild",
	"@temporalio/worker":   "the worker is tsworker itself",
	"@temporalio/testing":  "test workflows from Go with tsworker's test environment",
}

// nodeShims are the Node.js modules the TypeScript SDK's bundler maps to its
// own small modules, with what they hold: assert is the sandbox's assert
// global, url its URL and URLSearchParams, util its TextEncoder and
// TextDecoder. The exports are getters so that a module imported but not
// used costs a run nothing beyond them.
var nodeShims = map[string]string{
	"assert": "module.exports = globalThis.assert;\n",
	"url": "module.exports = {\n  get URL() { return globalThis.URL; },\n" +
		"  get URLSearchParams() { return globalThis.URLSearchParams; },\n};\n",
	"util": "module.exports = {\n  get TextEncoder() { return globalThis.TextEncoder; },\n" +
		"  get TextDecoder() { return globalThis.TextDecoder; },\n};\n",
}

func builtinModules() api.Plugin {
	// assert, url and util are shims, but not their subpaths (util/types).
	builtinRe := "^(node:)?((" + strings.Join(nodeBuiltins, "|") + ")(/.*)?|(assert|url|util)/.*)$"
	return api.Plugin{
		Name: "tsworker",
		Setup: func(b api.PluginBuild) {
			b.OnResolve(api.OnResolveOptions{Filter: `^@temporalio/`}, func(a api.OnResolveArgs) (api.OnResolveResult, error) {
				if f, ok := wfmodule.Subpaths[a.Path]; ok {
					return api.OnResolveResult{Path: "@temporalio/workflow/" + f, Namespace: "tsworker"}, nil
				}
				if wfmodule.Provides(a.Path) {
					return api.OnResolveResult{Path: "@temporalio/workflow", Namespace: "tsworker"}, nil
				}
				pkg := a.Path
				if parts := strings.SplitN(pkg, "/", 3); len(parts) >= 2 {
					pkg = parts[0] + "/" + parts[1]
				}
				hint, ok := forbiddenPackages[pkg]
				if !ok {
					hint = "tsworker provides @temporalio/workflow and @temporalio/common to workflow code"
				}
				return api.OnResolveResult{Errors: []api.Message{{
					Text:   "\"" + a.Path + "\" cannot be used in workflow code",
					Detail: hint,
				}}}, nil
			})
			b.OnResolve(api.OnResolveOptions{Filter: `^(node:)?(assert|url|util)$`}, func(a api.OnResolveArgs) (api.OnResolveResult, error) {
				return api.OnResolveResult{Path: strings.TrimPrefix(a.Path, "node:"), Namespace: "tsworker-node"}, nil
			})
			b.OnLoad(api.OnLoadOptions{Filter: ".*", Namespace: "tsworker-node"}, func(a api.OnLoadArgs) (api.OnLoadResult, error) {
				src := nodeShims[a.Path]
				return api.OnLoadResult{Contents: &src, Loader: api.LoaderJS}, nil
			})
			b.OnResolve(api.OnResolveOptions{Filter: builtinRe}, func(a api.OnResolveArgs) (api.OnResolveResult, error) {
				return api.OnResolveResult{Errors: []api.Message{{
					Text:   "Node.js built-in module \"" + a.Path + "\" cannot be used in workflow code",
					Detail: "workflow code must be deterministic and cannot do I/O; do this in a Go activity",
				}}}, nil
			})
			// The built-in module's own files ("./common.js").
			b.OnResolve(api.OnResolveOptions{Filter: `^\./`, Namespace: "tsworker"}, func(a api.OnResolveArgs) (api.OnResolveResult, error) {
				return api.OnResolveResult{Path: "@temporalio/workflow/" + strings.TrimPrefix(a.Path, "./"), Namespace: "tsworker"}, nil
			})
			b.OnLoad(api.OnLoadOptions{Filter: ".*", Namespace: "tsworker"}, func(a api.OnLoadArgs) (api.OnLoadResult, error) {
				src := wfmodule.Source
				if name, ok := strings.CutPrefix(a.Path, "@temporalio/workflow/"); ok {
					if src, ok = wfmodule.File(name); !ok {
						return api.OnLoadResult{}, fmt.Errorf("the built-in module has no file %q", name)
					}
				}
				return api.OnLoadResult{Contents: &src, Loader: api.LoaderJS}, nil
			})
		},
	}
}

func metafileInputs(meta string) []string {
	var m struct {
		Inputs map[string]json.RawMessage `json:"inputs"`
	}
	if json.Unmarshal([]byte(meta), &m) != nil {
		return nil
	}
	out := make([]string, 0, len(m.Inputs))
	for k := range m.Inputs {
		if strings.HasPrefix(k, "tsworker:") || strings.HasPrefix(k, "tsworker-node:") || strings.HasSuffix(k, "tsworker-entry.js") || k == "<stdin>" {
			continue
		}
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func base64(b []byte) string { return b64.StdEncoding.EncodeToString(b) }

// metafileExports lists the exports of the (only) output of an ESM build.
func metafileExports(meta string) []string {
	var m struct {
		Outputs map[string]struct {
			Exports []string `json:"exports"`
		} `json:"outputs"`
	}
	if json.Unmarshal([]byte(meta), &m) != nil {
		return nil
	}
	for _, o := range m.Outputs {
		if len(o.Exports) > 0 {
			return o.Exports
		}
	}
	return nil
}
