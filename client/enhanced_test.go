package client

import (
	"testing"

	sdkclient "go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
)

// TestSDKOptionsEnhancedStackTrace checks that SDKOptions installs the
// __enhanced_stack_trace interceptor once, after the caller's interceptors.
func TestSDKOptionsEnhancedStackTrace(t *testing.T) {
	own := &interceptor.ClientInterceptorBase{}
	o := Options{HostPort: "localhost:7233", SDK: sdkclient.Options{Interceptors: []interceptor.ClientInterceptor{own}}}
	so, err := o.SDKOptions()
	if err != nil {
		t.Fatal(err)
	}
	if len(so.Interceptors) != 2 || so.Interceptors[0] != own {
		t.Fatalf("interceptors = %#v, want the caller's then EnhancedStackTraceInterceptor", so.Interceptors)
	}
	if _, ok := so.Interceptors[1].(*enhancedStackTraceInterceptor); !ok {
		t.Fatalf("interceptors[1] = %T, want EnhancedStackTraceInterceptor", so.Interceptors[1])
	}
	o.SDK = so
	again, err := o.SDKOptions()
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Interceptors) != 2 {
		t.Errorf("SDKOptions of its own result: %d interceptors, want 2", len(again.Interceptors))
	}
}
