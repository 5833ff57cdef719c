// Package wfmodule holds the JavaScript source of tsworker's built-in
// @temporalio/workflow module, which the bundler links into every workflow
// bundle and the engine backs with Go host functions.
package wfmodule

import (
	_ "embed"
	"strings"
)

// Source is the module's JavaScript source.
//
//go:embed workflow.js
var Source string

var (
	//go:embed common.js
	common string
	//go:embed converter.js
	converterJS string
	//go:embed encoding.js
	encodingJS string
)

// File returns the source of a file of the module that workflow.js imports
// (as "./name.js"), and whether there is one.
func File(name string) (string, bool) {
	switch name {
	case "common.js":
		return common, true
	case "converter.js":
		return converterJS, true
	case "encoding.js":
		return encodingJS, true
	}
	return "", false
}

// Subpaths are the subpaths of @temporalio/common that are files of their
// own, not the module itself, and the file serving each.
var Subpaths = map[string]string{
	"@temporalio/common/lib/encoding": "encoding.js",
}

// HostGlobal is the name of the per-run global object holding the host
// functions the module is built on.
const HostGlobal = "__tsw"

// Provides reports whether an import path is served by the built-in module:
// @temporalio/workflow, @temporalio/common and their subpaths.
func Provides(path string) bool {
	for _, p := range []string{"@temporalio/workflow", "@temporalio/common"} {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

// Classes is the source of a program that defines the module's classes
// (failures, ContinueAsNew, CancellationScope, Trigger) and evaluates to an
// object holding them. The engine runs it in a run's VM on first use.
//
//go:embed classes.js
var Classes string
