package testsuite

import (
	"errors"
	"fmt"
	"sync"

	"go.temporal.io/sdk/converter"
)

// ErrUpdateNotDone is returned by Update.Get for an update that has not
// completed: in the in-memory environment, one whose handler was still
// running when the workflow ended.
var ErrUpdateNotDone = errors.New("update not completed")

// Update is the outcome of an update sent with UpdateWorkflow. It is filled
// in as the workflow accepts (or rejects) and completes the update; read it
// once the workflow has run.
//
// Update implements the Go SDK test environment's UpdateCallbacks, which is
// how the in-memory environment fills it in.
type Update struct {
	// Name is the update's name, ID its update ID.
	Name, ID string

	mu       sync.Mutex
	done     bool
	accepted bool
	rejected bool
	result   any
	err      error
}

// Accept records that the workflow accepted the update: its validator, if
// any, passed.
func (u *Update) Accept() {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.accepted = true
}

// Reject records that the workflow rejected the update: its validator threw,
// or it has no handler for it.
func (u *Update) Reject(err error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.done, u.rejected, u.err = true, true, err
}

// Complete records the update handler's result or failure.
func (u *Update) Complete(result any, err error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.done, u.result, u.err = true, result, err
}

// Done reports whether the update has completed or been rejected.
func (u *Update) Done() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.done
}

// Accepted reports whether the workflow accepted the update.
func (u *Update) Accepted() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.accepted
}

// Rejected reports whether the workflow rejected the update, and with what
// error.
func (u *Update) Rejected() (bool, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.rejected {
		return true, u.err
	}
	return false, nil
}

// Get decodes the update's result into valuePtr (which may be nil to only
// check for an error). It returns the rejection or the handler's failure,
// or ErrUpdateNotDone.
func (u *Update) Get(valuePtr any) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if !u.done {
		return fmt.Errorf("update %s: %w", u.Name, ErrUpdateNotDone)
	}
	if u.err != nil {
		return u.err
	}
	if valuePtr == nil {
		return nil
	}
	if err := decodeValue(u.result, valuePtr); err != nil {
		return fmt.Errorf("update %s: decode result: %w", u.Name, err)
	}
	return nil
}

// decodeValue decodes a result as the Go SDK hands it over (a raw payload
// from a JS handler, an encoded value from a client, or a Go value) into
// valuePtr.
func decodeValue(v any, valuePtr any) error {
	dc := converter.GetDefaultDataConverter()
	switch r := v.(type) {
	case converter.RawValue:
		if r.Payload() == nil {
			return nil
		}
		return dc.FromPayload(r.Payload(), valuePtr)
	case converter.EncodedValue:
		if !r.HasValue() {
			return nil
		}
		return r.Get(valuePtr)
	case nil:
		return nil
	default:
		p, err := dc.ToPayload(v)
		if err != nil {
			return err
		}
		return dc.FromPayload(p, valuePtr)
	}
}
