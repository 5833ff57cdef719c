package client

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"

	commonpb "go.temporal.io/api/common/v1"
	sdkclient "go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
)

// JSONArgs turns argsJSON into workflow arguments, as the --input of
// `tsworker dev --run` does: a JSON array is the argument list, one
// json/plain payload per element; any other JSON value (a string, object,
// number, ...) is the one argument. Each payload's text is passed on as
// written (only whitespace is removed), so key order and number precision
// reach the workflow as JSON.parse would see them. An empty string means no
// arguments; a single argument that is itself an array is written [[...]].
// Pass the result to ExecuteWorkflow, SignalWorkflow, QueryWorkflow, ...
func JSONArgs(argsJSON string) ([]any, error) {
	trimmed := bytes.TrimSpace([]byte(argsJSON))
	if len(trimmed) == 0 {
		return nil, nil
	}
	if !json.Valid(trimmed) {
		var v any
		err := json.Unmarshal(trimmed, &v)
		return nil, fmt.Errorf("arguments are not valid JSON: %w", err)
	}
	if trimmed[0] != '[' {
		return []any{JSONValue(trimmed)}, nil
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(trimmed, &elems); err != nil {
		return nil, fmt.Errorf("arguments are not valid JSON: %w", err)
	}
	args := make([]any, len(elems))
	for i, e := range elems {
		args[i] = JSONValue(e)
	}
	return args, nil
}

// JSONValue wraps one JSON document as an argument (or signal, query or
// update argument) that reaches JS as JSON.parse(data) would. data must be
// valid JSON; whitespace is removed.
func JSONValue(data []byte) converter.RawValue {
	var b bytes.Buffer
	if err := json.Compact(&b, data); err == nil {
		data = b.Bytes()
	}
	return converter.NewRawValue(&commonpb.Payload{
		Metadata: map[string][]byte{converter.MetadataEncoding: []byte(converter.MetadataEncodingJSON)},
		Data:     data,
	})
}

// PayloadJSON renders a payload as JSON: json/plain (and json/protobuf) as
// is, binary/null (a JS undefined, a Go nil) and no payload at all as null,
// binary/plain (a Uint8Array, a Go []byte) as a base64 string, the way Go's
// encoding/json writes []byte.
func PayloadJSON(p *commonpb.Payload) (string, error) {
	if p == nil {
		return "null", nil
	}
	enc := string(p.GetMetadata()[converter.MetadataEncoding])
	switch enc {
	case converter.MetadataEncodingNil:
		return "null", nil
	case converter.MetadataEncodingJSON, converter.MetadataEncodingProtoJSON:
		return string(p.GetData()), nil
	case converter.MetadataEncodingBinary:
		return `"` + base64.StdEncoding.EncodeToString(p.GetData()) + `"`, nil
	}
	return "", fmt.Errorf("payload with encoding %q has no JSON form", enc)
}

// StartJSON starts a workflow with the arguments in argsJSON (see JSONArgs):
// a JSON array of arguments, or one JSON value for a single argument.
//
//	run, err := client.StartJSON(ctx, c, opts, "greeting", `"Temporal"`)
//	run, err := client.StartJSON(ctx, c, opts, "order", `["ada", 3]`)
func StartJSON(ctx context.Context, c sdkclient.Client, opts sdkclient.StartWorkflowOptions, workflowType, argsJSON string) (sdkclient.WorkflowRun, error) {
	args, err := JSONArgs(argsJSON)
	if err != nil {
		return nil, fmt.Errorf("start workflow %s: %w", workflowType, err)
	}
	run, err := c.ExecuteWorkflow(ctx, opts, workflowType, args...)
	if err != nil {
		return nil, fmt.Errorf("start workflow %s: %w", workflowType, err)
	}
	return run, nil
}

// ResultJSON waits for a workflow run (following continue-as-new) and
// returns its result as JSON (see PayloadJSON). A failed, cancelled,
// terminated or timed-out run returns the Go SDK's error unchanged, so
// errors.As finds *temporal.ApplicationError and the other failure types.
func ResultJSON(ctx context.Context, run sdkclient.WorkflowRun) (string, error) {
	var raw converter.RawValue
	if err := run.Get(ctx, &raw); err != nil {
		return "", err
	}
	out, err := PayloadJSON(raw.Payload())
	if err != nil {
		return "", fmt.Errorf("result of workflow %s: %w", run.GetID(), err)
	}
	return out, nil
}

// ExecuteJSON starts a workflow with JSON arguments (a JSON array, or one
// value for a single argument; see JSONArgs), waits for it and returns its
// result as JSON.
//
//	out, err := client.ExecuteJSON(ctx, c, sdkclient.StartWorkflowOptions{TaskQueue: "tsworker"}, "hello", `["Temporal"]`)
func ExecuteJSON(ctx context.Context, c sdkclient.Client, opts sdkclient.StartWorkflowOptions, workflowType, argsJSON string) (string, error) {
	run, err := StartJSON(ctx, c, opts, workflowType, argsJSON)
	if err != nil {
		return "", err
	}
	return ResultJSON(ctx, run)
}
