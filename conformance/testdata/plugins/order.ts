// order records, in order, the top levels of the plugins workers' modules
// as they are evaluated and the calls of the interceptor factories (for the
// workflow icptOrder only), for the case moduleOrder.
export const order: string[] = [];
