// Package bundler turns a workflows file (.ts or .js) and everything it imports
// into one JavaScript program that tsworker runs in a deterministic sandbox.
//
// It wraps esbuild's Go API. Imports of @temporalio/workflow and
// @temporalio/common resolve to tsworker's built-in implementation, so no npm
// install is needed; type-only imports are erased as tsc would; Node built-ins
// and other non-deterministic modules are rejected at the import.
//
//	res := bundler.Bundle(bundler.Options{Entry: "workflows.ts"})
//	if err := res.Err(); err != nil { ... }
package bundler

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/evanw/esbuild/pkg/api"

	"github.com/tsworker/tsworker/internal/jsruntime"
)

// Options configures Bundle.
type Options struct {
	// Entry is the workflows file: .ts, .tsx, .js or .mjs. Each function it
	// exports is a workflow type named after the export. A directory means
	// its index.ts, workflows.ts, index.js or workflows.js.
	Entry string
	// Minify shrinks the output. Optional; stack traces stay readable
	// through the source map either way.
	Minify bool
	// PayloadConverter is a module exporting payloadConverter, a
	// PayloadConverter built with the classes of @temporalio/common (the
	// TypeScript SDK's payloadConverterPath), bundled with the workflows:
	// every value into and out of the workflows then goes through it.
	// Optional; default: the default payload converter, in Go.
	PayloadConverter string
	// InterceptorModules are modules exporting interceptors, a
	// WorkflowInterceptorsFactory (the TypeScript SDK's
	// interceptors.workflowModules), bundled with the workflows: each run
	// calls each module's factory, in this order, before the workflow
	// function. Optional.
	InterceptorModules []string
	// NodePaths are more directories holding npm packages, searched after
	// the node_modules directories of the importing file's directory and
	// its parents, as Node's NODE_PATH (and webpack's resolve.modules).
	// Optional: a project with its node_modules beside or above its
	// workflows needs none.
	NodePaths []string
}

// Message is a problem found while bundling, at a place in the source.
type Message struct {
	File     string // path relative to the working directory, when known
	Line     int    // 1-based; 0 when unknown
	Column   int    // 0-based, in bytes
	LineText string // the source line
	Text     string
	Hint     string // what to do instead, if anything
}

func (m Message) String() string {
	var b strings.Builder
	if m.File != "" {
		b.WriteString(m.File)
		if m.Line > 0 {
			fmt.Fprintf(&b, ":%d:%d", m.Line, m.Column+1)
		}
		b.WriteString(": ")
	}
	b.WriteString(m.Text)
	if m.Hint != "" {
		b.WriteString(" (")
		b.WriteString(m.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Result is the output of Bundle.
type Result struct {
	// Entry is the resolved entry file.
	Entry string
	// Code is the bundle: one script, with its source map inline.
	Code []byte
	// SourceMap is the same source map as a separate JSON document.
	SourceMap []byte
	// Errors is non-empty when bundling failed; Code is then empty.
	Errors []Message
	// Warnings are problems that did not stop bundling.
	Warnings []Message
	// Inputs are the source files the bundle was built from.
	Inputs []string
}

// Err returns nil, or an error describing every problem in Errors.
func (r Result) Err() error {
	if len(r.Errors) == 0 {
		return nil
	}
	msgs := make([]string, len(r.Errors))
	for i, m := range r.Errors {
		msgs[i] = m.String()
	}
	return fmt.Errorf("bundle %s: %s", r.Entry, strings.Join(msgs, "; "))
}

// BundleBanner is the first line of every bundle, which tells a prebuilt
// bundle from a workflows source file.
const BundleBanner = "// tsworker workflow bundle"

// ExportsGlobal is the global variable the bundle assigns the entry's exports to.
const ExportsGlobal = "__tsworker_exports"

// Bundle bundles opts.Entry. It never panics; problems are returned in
// Result.Errors.
func Bundle(opts Options) Result {
	entry, err := resolveEntry(opts.Entry)
	if err != nil {
		return Result{Entry: opts.Entry, Errors: []Message{{Text: err.Error()}}}
	}
	res := Result{Entry: entry}
	// Pass 1 finds the entry's exports (and every error). Pass 2 bundles a
	// small entry that imports them and assigns them to one plain object:
	// an IIFE with a global name would wrap every export in a getter
	// function, which every workflow run would pay for.
	base := api.BuildOptions{
		Bundle:            true,
		Write:             false,
		Outfile:           "workflows.js",
		Platform:          api.PlatformNeutral,
		MainFields:        []string{"module", "main"},
		Target:            api.ES2020,
		MinifySyntax:      opts.Minify,
		MinifyWhitespace:  opts.Minify,
		MinifyIdentifiers: opts.Minify,
		KeepNames:         opts.Minify,
		Metafile:          true,
		LogLevel:          api.LogLevelSilent,
		Plugins:           []api.Plugin{builtinModules()},
		// goja cannot read Unicode property escapes (\p{L}): esbuild
		// writes such regular expression literals as `new RegExp(...)`,
		// and RegExp, Symbol.dispose, Symbol.asyncDispose and
		// Error.captureStackTrace become globals of the sandbox that
		// supply what goja lacks (see jsruntime.BundleDefines).
		Supported: map[string]bool{"regexp-unicode-property-escapes": false},
		Define:    defines(),
	}
	for _, p := range opts.NodePaths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return Result{Entry: entry, Errors: []Message{{Text: fmt.Sprintf("node path %s: %v", p, err)}}}
		}
		base.NodePaths = append(base.NodePaths, abs)
	}
	scan := base
	scan.EntryPoints = []string{entry}
	scan.Format = api.FormatESModule
	out := api.Build(scan)
	res.Errors, res.Warnings = convertLog(out.Errors, out.Warnings)
	if len(res.Errors) > 0 {
		return res
	}
	abs, err := filepath.Abs(entry)
	if err != nil {
		res.Errors = []Message{{Text: err.Error()}}
		return res
	}
	build := base
	build.Format = api.FormatIIFE
	build.Banner = map[string]string{"js": BundleBanner}
	build.Sourcemap = api.SourceMapExternal
	build.SourcesContent = api.SourcesContentInclude
	// The payload converter and the interceptor modules come first, in a
	// module of their own (see setupEntry).
	setup, err := setupEntry(opts.PayloadConverter, opts.InterceptorModules)
	if err != nil {
		res.Errors = []Message{{Text: err.Error()}}
		return res
	}
	contents := exportsEntry(abs, metafileExports(out.Metafile))
	if setup != "" {
		contents = fmt.Sprintf("import %q;\n", setupModule) + contents
		build.Plugins = append(slices.Clone(base.Plugins), setupPlugin(setup, filepath.Dir(abs)))
	}
	build.Stdin = &api.StdinOptions{
		Contents:   contents,
		ResolveDir: filepath.Dir(abs),
		Sourcefile: "tsworker-entry.js",
		Loader:     api.LoaderJS,
	}
	out = api.Build(build)
	// Pass 2 bundles the same files again: its warnings repeat pass 1's.
	errs, warns := convertLog(out.Errors, out.Warnings)
	res.Errors = errs
	res.Warnings = appendUnique(res.Warnings, warns...)
	if len(res.Errors) > 0 {
		return res
	}
	var code []byte
	for _, f := range out.OutputFiles {
		switch {
		case strings.HasSuffix(f.Path, ".map"):
			res.SourceMap = f.Contents
		case strings.HasSuffix(f.Path, ".js"):
			code = f.Contents
		}
	}
	res.Code = WithInlineSourceMap(lowerRegExps(code), res.SourceMap)
	res.Inputs = metafileInputs(out.Metafile)
	return res
}

// exportsEntry is the generated entry of pass 2: it imports the entry's
// exports and puts them on the global ExportsGlobal.
func exportsEntry(abs string, names []string) string {
	var b strings.Builder
	b.WriteString("import { ")
	for i, n := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		q, _ := json.Marshal(n)
		fmt.Fprintf(&b, "%s as __e%d", q, i)
	}
	q, _ := json.Marshal(filepath.ToSlash(abs))
	fmt.Fprintf(&b, " } from %s;\nglobalThis.%s = { ", q, ExportsGlobal)
	for i, n := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		q, _ := json.Marshal(n)
		fmt.Fprintf(&b, "%s: __e%d", q, i)
	}
	b.WriteString(" };\n")
	return b.String()
}

// WithInlineSourceMap returns code whose trailing sourceMappingURL comment,
// if any, is replaced by an inline copy of sourceMap.
func WithInlineSourceMap(code, sourceMap []byte) []byte {
	s := string(code)
	if i := strings.LastIndex(s, "//# sourceMappingURL="); i >= 0 {
		s = s[:i]
	}
	if len(sourceMap) == 0 {
		return []byte(s)
	}
	return []byte(s + "//# sourceMappingURL=data:application/json;base64," + base64(sourceMap) + "\n")
}

func resolveEntry(p string) (string, error) {
	if p == "" {
		return "", errors.New("no workflows file given: pass a .ts or .js file that exports workflow functions")
	}
	st, err := os.Stat(p)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("%s: no such file or directory; pass the path of a .ts or .js workflows file", p)
		}
		return "", err
	}
	if !st.IsDir() {
		return p, nil
	}
	for _, name := range []string{"workflows.ts", "index.ts", "workflows.js", "index.js", "src/workflows.ts", "src/index.ts"} {
		c := filepath.Join(p, name)
		if _, err := os.Stat(c); err == nil {
			return c, nil
		}
	}
	return "", fmt.Errorf("%s is a directory without workflows.ts, index.ts, workflows.js or index.js; pass the workflows file itself", p)
}

// loweredRegExp matches the `new RegExp("...", "flags")` esbuild writes for
// a regular expression literal with Unicode property escapes.
var loweredRegExp = regexp.MustCompile(`new RegExp\(("(?:[^"\\\n]|\\.)*\\\\[pP]\{(?:[^"\\\n]|\\.)*"), "([dgimsuvy]*)"\)`)

// lowerRegExps points the regular expressions esbuild lowered to the
// sandbox's RegExp that reads Unicode property escapes. The name has the
// length of "RegExp", so columns (and the source map) stay right.
func lowerRegExps(code []byte) []byte {
	return loweredRegExp.ReplaceAllFunc(code, func(m []byte) []byte {
		return append([]byte("new "+jsruntime.NameRegExp), m[len("new RegExp"):]...)
	})
}

// convertLog converts esbuild's errors and warnings. A property missing
// from the built-in module, which esbuild only warns about when it is read
// from a namespace import (wf.missingName), is an error, as a missing named
// import is; an npm package that cannot be found says to install it.
func convertLog(errs, warns []api.Message) (outErrs, outWarns []Message) {
	outErrs = convertMessages(errs)
	for i := range outErrs {
		explainUnresolved(&outErrs[i])
	}
	for _, w := range convertMessages(warns) {
		if missingBuiltinExport.MatchString(w.Text) {
			name := missingBuiltinExport.FindStringSubmatch(w.Text)[1]
			w.Text = "No matching export in \"@temporalio/workflow\" for import \"" + name + "\""
			w.Hint = "tsworker's built-in @temporalio/workflow does not provide " + name +
				"; run `tsworker types` for what it provides"
			outErrs = appendUnique(outErrs, w)
			continue
		}
		outWarns = appendUnique(outWarns, w)
	}
	return outErrs, outWarns
}

// missingBuiltinExport is esbuild's warning for a name read from a
// namespace import that the module does not export.
var missingBuiltinExport = regexp.MustCompile(`^Import "([^"]+)" will always be undefined because there is no matching export in "(?:tsworker:)?@temporalio/workflow"`)

// unresolvedPackage is esbuild's error for an import it cannot find, with
// the package name when the path is a bare one.
var unresolvedPackage = regexp.MustCompile(`^Could not resolve "((?:@[^/":]+/)?[^./":][^/":]*)(?:/[^"]*)?"$`)

func explainUnresolved(m *Message) {
	sub := unresolvedPackage.FindStringSubmatch(m.Text)
	if sub == nil {
		return
	}
	m.Text += ": the npm package \"" + sub[1] + "\" is not installed"
	m.Hint = "run `npm install " + sub[1] + "` in the workflows' project; tsworker bundles npm packages from node_modules"
}

func appendUnique(ms []Message, more ...Message) []Message {
	for _, m := range more {
		dup := false
		for _, o := range ms {
			if o == m {
				dup = true
				break
			}
		}
		if !dup {
			ms = append(ms, m)
		}
	}
	return ms
}

func convertMessages(ms []api.Message) []Message {
	out := make([]Message, 0, len(ms))
	for _, m := range ms {
		msg := Message{Text: m.Text}
		if m.Location != nil {
			msg.File = m.Location.File
			msg.Line = m.Location.Line
			msg.Column = m.Location.Column
			msg.LineText = m.Location.LineText
			msg.Hint = m.Location.Suggestion
		}
		if d, ok := m.Detail.(string); ok && d != "" {
			msg.Hint = d
		}
		for _, n := range m.Notes {
			if msg.Hint == "" && n.Text != "" {
				msg.Hint = n.Text
			}
		}
		out = append(out, msg)
	}
	return out
}
