package bundler

import "github.com/tsworker/tsworker/internal/jsruntime"

// nodeEnv is what process.env.NODE_ENV reads in workflow code: the
// TypeScript SDK bundles workflows with webpack in development mode, which
// defines it so. npm packages test it (immer, for one, to choose between its
// development and production builds), and the sandbox has no process.
const nodeEnv = `"development"`

// defines are esbuild's define of a bundle: the runtime's (see
// jsruntime.BundleDefines) and process.env.NODE_ENV.
func defines() map[string]string {
	out := make(map[string]string, len(jsruntime.BundleDefines)+1)
	for k, v := range jsruntime.BundleDefines {
		out[k] = v
	}
	out["process.env.NODE_ENV"] = nodeEnv
	return out
}
