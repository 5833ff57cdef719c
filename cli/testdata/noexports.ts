// A module without workflows: it exports no function.
export const version = 1;
