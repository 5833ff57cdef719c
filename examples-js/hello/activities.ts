// Declarations of the Go activities in activities.go, so that the workflow
// can call them with types checked. Activities run in Go; nothing here is
// executed.

/** Returns a greeting for name. */
export declare function greet(name: string): Promise<string>;
