package engine

import (
	"github.com/dop251/goja"
)

// logModule: the workflow logger (log.info and friends); console is a
// global of the runtime, backed by consoleLog.
var logModule = module{name: "log", exports: exports{
	"log": func(r *run) any { return r.logObject() },
}}

func (r *run) logObject() *goja.Object {
	o := r.vm.NewObject()
	for _, level := range []string{"trace", "debug", "info", "warn", "error"} {
		level := level
		_ = o.Set(level, func(c goja.FunctionCall) goja.Value {
			if !r.logWithSink(level, c) {
				r.logLevel(level, c.Argument(0).String(), c.Argument(1))
			}
			return goja.Undefined()
		})
	}
	return o
}

// logLevel writes a log line to the Go SDK's workflow logger, which drops
// it while the run replays history.
func (r *run) logLevel(level, msg string, attrs goja.Value) {
	if r.logger == nil {
		return
	}
	var kv []any
	if r.icpt.has("getLogAttributes") {
		extra := r.extraLogAttributes()
		for _, k := range extra.Keys() {
			kv = append(kv, k, extra.Get(k).Export())
		}
	}
	if o, ok := attrs.(*goja.Object); ok {
		for _, k := range o.Keys() {
			kv = append(kv, k, o.Get(k).Export())
		}
	}
	switch level {
	case "trace", "debug":
		r.logger.Debug(msg, kv...)
	case "warn":
		r.logger.Warn(msg, kv...)
	case "error":
		r.logger.Error(msg, kv...)
	default:
		r.logger.Info(msg, kv...)
	}
}

func (r *run) consoleLog(level, msg string) {
	if r.logger == nil {
		return
	}
	switch level {
	case "debug":
		r.logger.Debug(msg)
	case "warn":
		r.logger.Warn(msg)
	case "error":
		r.logger.Error(msg)
	default:
		r.logger.Info(msg)
	}
}
