import { defineQuery, defineSignal, proxyActivities, setHandler, condition } from '@temporalio/workflow';

interface Event {
  at: Date;
}

const { echoEvent } = proxyActivities<{ echoEvent(e: Event): Promise<Event> }>({ startToCloseTimeout: '10s' });

export const when = defineQuery<Date>('when');
export const moveTo = defineSignal<[Date]>('moveTo');

// ejson sends a Date through a Go activity and a signal, and answers a query
// with one: with the bundle's payload converter, all stay Dates.
export async function ejson(input: Event) {
  let at = input.at;
  let signalled: unknown;
  setHandler(when, () => at);
  setHandler(moveTo, (d) => void (signalled = d));
  const back = await echoEvent({ at });
  await condition(() => signalled !== undefined);
  at = signalled as Date;
  return {
    inputIsDate: input.at instanceof Date,
    activityResultIsDate: back.at instanceof Date,
    signalIsDate: signalled instanceof Date,
    later: new Date(back.at.getTime() + 1000),
    none: undefined,
  };
}
