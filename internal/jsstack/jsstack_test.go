package jsstack

import "testing"

func TestClean(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{
			name: "goja stack of an error made by a built-in class",
			in: "ApplicationFailure: app\n\tat tsworker-classes.js:20:12(5)\n\tat create (tsworker-classes.js:38:14(22))\n" +
				"\tat st (workflows.ts:6:40(24))\n\tat workflows.ts:9:3(2)\n",
			want: "ApplicationFailure: app\n    at st (workflows.ts:6:40)\n    at workflows.ts:9:3",
		},
		{
			name: "built-in module, entry wrapper and Go host functions",
			in: "CancelledFailure: Workflow cancelled\n" +
				"\tat github.com/tsworker/tsworker/internal/engine.(*scopes).scopeCancel-fm (native)\n" +
				"\tat cancel (tsworker:@temporalio/workflow:172:27(4))\n\tat h (tsworker:@temporalio/workflow/common.js:3:1(9))\n" +
				"\tat n (tsworker-node:assert:1:2(3))\n\tat ../src/tsworker-entry.js:1:1(1)\n" +
				"\tat forEach (native)\n\tat main (../src/workflows.ts:7:43(41))",
			want: "CancelledFailure: Workflow cancelled\n    at forEach (native)\n    at main (../src/workflows.ts:7:43)",
		},
		{
			name: "V8 stack from another SDK, unchanged",
			in:   "Error: boom\n    at Activity.execute (/app/node_modules/@temporalio/worker/lib/activity.js:88:31)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
			want: "Error: boom\n    at Activity.execute (/app/node_modules/@temporalio/worker/lib/activity.js:88:31)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
		},
		{name: "no frames", in: "just a message\n", want: "just a message"},
		{name: "empty", in: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clean(tt.in); got != tt.want {
				t.Errorf("Clean:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}
