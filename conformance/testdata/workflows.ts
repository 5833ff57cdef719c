// The workflows of every case, one entry for both workers.
export * from './basic';
