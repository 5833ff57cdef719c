package worker

import "github.com/nexus-rpc/sdk-go/nexus"

// RegisterNexusService registers a Nexus service on the worker's task
// queue, as the Go SDK worker's RegisterNexusService: its operations are Go
// (nexus.NewSyncOperation, or temporalnexus.NewWorkflowRunOperation to back
// an operation with a workflow run), and JS workflows anywhere call them
// through a Nexus endpoint that targets this task queue
// (createNexusServiceClient). Register before Start.
func (w *Worker) RegisterNexusService(s *nexus.Service) { w.w.RegisterNexusService(s) }
