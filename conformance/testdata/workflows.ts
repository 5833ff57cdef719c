// The workflows of every case, one entry for both workers. Workflow names
// are unique across the files.
export * from './basic';
export * from './failures';
export * from './cancellation';
export * from './messages';
export * from './messages2';
export * from './children';
export * from './misc';
export * from './sandbox';
export * from './context';
export * from './reset';
export * from './nexus';
export * from './signals';
export * from './childcancel';
export * from './builtinqueries';
export * from './heldtimers';
export * from './activityoptions';
