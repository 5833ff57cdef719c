import { ApplicationFailure, log, proxyActivities, rootCause, workflowInfo } from '@temporalio/workflow';
import type * as activities from './activities';
import type { BookingRequest } from './activities';

// Bookings give up after a few attempts: the trip fails and is undone.
const { bookCar, bookHotel, bookFlight } = proxyActivities<typeof activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});

// Compensations must get through, so they retry until they succeed (or fail
// with a non-retryable error).
const { cancelCar, cancelHotel, cancelFlight } = proxyActivities<typeof activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

type Step = 'car' | 'hotel' | 'flight';

export interface Trip {
  traveler: string;
  destination: string;
  /** Demo switch: make this booking fail, to watch the compensations run. */
  failAt?: Step;
}

export interface Itinerary {
  tripId: string;
  car: string;
  hotel: string;
  flight: string;
}

interface Compensation {
  step: Step;
  undo: () => Promise<void>;
}

/**
 * Books a car, a hotel and a flight for a trip, all or nothing: when a
 * booking fails, the ones already made are cancelled, most recent first, and
 * the workflow fails with a TripNotBooked ApplicationFailure whose details
 * list what was undone.
 */
export async function bookTrip(trip: Trip): Promise<Itinerary> {
  // The workflow id identifies the trip: a retried booking activity books
  // nothing twice.
  const tripId = workflowInfo().workflowId;
  const request = (step: Step): BookingRequest => ({
    tripId,
    traveler: trip.traveler,
    destination: trip.destination,
    simulateFailure: trip.failAt === step,
  });

  const compensations: Compensation[] = [];
  try {
    const car = await bookCar(request('car'));
    compensations.push({ step: 'car', undo: () => cancelCar(car) });

    const hotel = await bookHotel(request('hotel'));
    compensations.push({ step: 'hotel', undo: () => cancelHotel(hotel) });

    const flight = await bookFlight(request('flight'));
    compensations.push({ step: 'flight', undo: () => cancelFlight(flight) });

    log.info('trip booked', { tripId });
    return { tripId, car, hotel, flight };
  } catch (err) {
    const undone = await compensate(compensations);
    throw ApplicationFailure.create({
      type: 'TripNotBooked',
      message: `trip ${tripId} not booked: ${rootCause(err)}`,
      nonRetryable: true,
      details: [{ tripId, undone }],
      cause: err instanceof Error ? err : undefined,
    });
  }
}

/** Runs the compensations in reverse order and returns the steps undone. */
async function compensate(compensations: Compensation[]): Promise<Step[]> {
  const undone: Step[] = [];
  for (const c of [...compensations].reverse()) {
    try {
      await c.undo();
      undone.push(c.step);
    } catch (err) {
      // Keep undoing the rest; this one needs a person.
      log.error('compensation failed', { step: c.step, error: rootCause(err) });
    }
  }
  return undone;
}
