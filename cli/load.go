package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/tsworker/tsworker/bundler"
	"github.com/tsworker/tsworker/internal/engine"
	"github.com/tsworker/tsworker/worker"
)

// source is a loaded workflows file or bundle.
type source struct {
	name   string   // the entry file, or the bundle file
	inputs []string // files the bundle was built from; empty for a prebuilt bundle
	code   []byte   // the bundle, source map inline
	srcMap []byte   // the source map on its own; nil for a prebuilt bundle
	wfs    *worker.Workflows
}

// checkPath reports a missing workflows path in one line that says what to
// pass instead.
func checkPath(path string) error {
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("%s: no such file or directory; pass a .ts or .js file that exports workflow functions, or a directory holding workflows.ts or index.ts", path)
		}
		return fmt.Errorf("open workflows: %w", err)
	}
	return nil
}

// The help of the flags that bundle more with the workflows, on run, dev,
// bundle and replay.
const (
	workflowInterceptorsUsage = "bundle the workflow interceptor module `FILE` (exporting interceptors, a WorkflowInterceptorsFactory) " +
		"with the workflows, as the TypeScript SDK's interceptors.workflowModules; repeat it for more, called in order"
	payloadConverterUsage = "bundle the payload converter module `FILE` (exporting payloadConverter) with the workflows, " +
		"as the TypeScript SDK's payloadConverterPath: every value into and out of the workflows goes through it"
	nodePathUsage = "also look for npm packages the workflows import in `DIR`, after the node_modules beside and above them " +
		"(as NODE_PATH, or webpack's resolve.modules); repeatable"
)

// loadFlags are the flags of run, dev, bundle and replay that bundle more
// with the workflows: interceptor modules, a payload converter, places of npm
// packages.
type loadFlags struct {
	interceptors     []string
	payloadConverter string
	nodePaths        []string
}

func (f *loadFlags) add(fs *pflag.FlagSet) {
	fs.StringArrayVar(&f.interceptors, "workflow-interceptors", nil, workflowInterceptorsUsage)
	fs.StringVar(&f.payloadConverter, "payload-converter", "", payloadConverterUsage)
	fs.StringArrayVar(&f.nodePaths, "node-path", nil, nodePathUsage)
}

// apply sets the load options of f on lo.
func (f loadFlags) apply(lo worker.LoadOptions) worker.LoadOptions {
	lo.WorkflowInterceptorModules = f.interceptors
	lo.PayloadConverterPath = f.payloadConverter
	lo.NodePaths = f.nodePaths
	return lo
}

// bundleSource bundles and loads the workflows file (or directory) at
// path. Bundler warnings go to warn.
func bundleSource(path string, minify bool, warn io.Writer, lo ...worker.LoadOptions) (*source, error) {
	if err := checkPath(path); err != nil {
		return nil, err
	}
	var o worker.LoadOptions
	if len(lo) > 0 {
		o = lo[0]
	}
	start := time.Now() // the bundle latency metric covers bundling
	res := bundler.Bundle(bundler.Options{Entry: path, Minify: minify, InterceptorModules: o.WorkflowInterceptorModules,
		PayloadConverter: o.PayloadConverterPath, NodePaths: o.NodePaths})
	for _, m := range res.Warnings {
		fmt.Fprintf(warn, "warning: %s\n", m)
	}
	if err := res.Err(); err != nil {
		return nil, &bundleError{err: err, msgs: res.Errors}
	}
	// The engine directly, as worker.Load does, for the bundler's warnings
	// and minification and a latency that covers bundling.
	wfs, err := engine.Load(res.Code, engine.Options{Name: res.Entry, FailureErrorTypes: o.WorkflowFailureErrorTypes,
		Limits: o.Limits, DataConverter: o.DataConverter, MetricsHandler: o.MetricsHandler, BundleStart: start})
	if err != nil {
		return nil, err
	}
	return &source{name: res.Entry, inputs: res.Inputs, code: res.Code, srcMap: res.SourceMap, wfs: wfs}, nil
}

// readBundle loads a bundle written by `tsworker bundle`.
func readBundle(path string, lo ...worker.LoadOptions) (*source, error) {
	if err := checkPath(path); err != nil {
		return nil, err
	}
	code, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read bundle: %w", err)
	}
	if !looksLikeBundle(code) {
		return nil, fmt.Errorf("%s is not a bundle written by `tsworker bundle`; pass the workflows source file without --bundle", path)
	}
	if len(lo) > 0 && (len(lo[0].WorkflowInterceptorModules) > 0 || lo[0].PayloadConverterPath != "" || len(lo[0].NodePaths) > 0) {
		return nil, fmt.Errorf("%s is a bundle, which carries the interceptors and payload converter it was built with; "+
			"pass --workflow-interceptors, --payload-converter and --node-path to 'tsworker bundle' instead", path)
	}
	wfs, err := worker.LoadBundle(code, path, lo...)
	if err != nil {
		return nil, err
	}
	return &source{name: path, code: code, wfs: wfs}, nil
}

// bundlePrefix starts every bundle: the bundler's banner.
var bundlePrefix = []byte(bundler.BundleBanner)

func looksLikeBundle(code []byte) bool { return bytes.HasPrefix(code, bundlePrefix) }

// isBundleFile reports whether path is a prebuilt bundle rather than a
// workflows source file: a .js file whose first line declares the
// bundler's exports global.
func isBundleFile(path string) bool {
	st, err := os.Stat(path)
	if err != nil || st.IsDir() || !strings.HasSuffix(path, ".js") {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head, _ := bufio.NewReader(f).Peek(len(bundlePrefix))
	return looksLikeBundle(head)
}

// loadSource loads path, bundling it unless it is a prebuilt bundle.
func loadSource(path string, warn io.Writer, lo ...worker.LoadOptions) (*source, error) {
	if isBundleFile(path) {
		return readBundle(path, lo...)
	}
	return bundleSource(path, false, warn, lo...)
}

// checkExported reports a workflow type the bundle does not export.
func checkExported(src *source, workflowType string) error {
	for _, n := range src.wfs.Names() {
		if n == workflowType {
			return nil
		}
	}
	return fmt.Errorf("workflow %q is not exported by %s; its workflows are: %s",
		workflowType, src.name, strings.Join(src.wfs.Names(), ", "))
}

// parseInput turns --input into a JSON array of arguments: a JSON array is
// the argument list; any other JSON value is the one argument.
func parseInput(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		hint := `pass a JSON array of arguments, e.g. --input '["Temporal", 3]', or one JSON value, e.g. --input '{"name": "Temporal"}'`
		if c := s[0]; c != '[' && c != '{' && c != '"' && c != '-' && (c < '0' || c > '9') && s != "true" && s != "false" && s != "null" {
			hint = fmt.Sprintf(`strings are quoted in JSON: --input '%q'`, s)
		}
		return "", fmt.Errorf("--input is not valid JSON (%v); %s", err, hint)
	}
	if s[0] == '[' {
		return s, nil
	}
	return "[" + s + "]", nil
}

// bundleError is a bundle that failed, with the bundler's messages, for
// writeCodeFrames.
type bundleError struct {
	err  error
	msgs []bundler.Message
}

func (e *bundleError) Error() string { return e.err.Error() }
func (e *bundleError) Unwrap() error { return e.err }

// writeCodeFrames writes the messages of a bundle error to w as esbuild
// does: the place, the message, the source line and a caret under the
// column. Other errors write nothing: their one line says it all.
func writeCodeFrames(w io.Writer, err error) {
	var be *bundleError
	if !errors.As(err, &be) {
		return
	}
	for _, m := range be.msgs {
		if m.Line == 0 {
			fmt.Fprintf(w, "\n  error: %s\n", m)
			continue
		}
		num := strconv.Itoa(m.Line)
		gutter := strings.Repeat(" ", len(num))
		fmt.Fprintf(w, "\n  %s:%d:%d: error: %s\n", m.File, m.Line, m.Column+1, m.Text)
		fmt.Fprintf(w, "    %s | %s\n", num, m.LineText)
		fmt.Fprintf(w, "    %s | %s^\n", gutter, caretPad(m.LineText, m.Column))
		switch {
		case m.Hint == "":
		case !strings.ContainsAny(m.Hint, " \t") && len(m.Hint) <= 20:
			// esbuild's suggestion: the text that belongs at the caret.
			fmt.Fprintf(w, "    %s | %s%s\n", gutter, caretPad(m.LineText, m.Column), m.Hint)
		default:
			fmt.Fprintf(w, "  hint: %s\n", m.Hint)
		}
	}
	fmt.Fprintln(w)
}

// caretPad is the blank that puts a caret under byte column col of line:
// tabs are kept, so the caret lines up however wide a tab is shown.
func caretPad(line string, col int) string {
	if col > len(line) {
		col = len(line)
	}
	var b strings.Builder
	for _, r := range line[:col] {
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}
