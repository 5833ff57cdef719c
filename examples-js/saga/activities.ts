// Declarations of the Go activities in activities.go, so that the workflow
// can call them with types checked. Activities run in Go; nothing here is
// executed.

/** A request to book one part of a trip. */
export interface BookingRequest {
  /** Identifies the trip; booking twice for the same trip returns the same confirmation. */
  tripId: string;
  traveler: string;
  destination: string;
  /** Demo switch: the booking fails as if nothing were available. */
  simulateFailure?: boolean;
}

/** Rents a car; resolves to a confirmation number. */
export declare function bookCar(req: BookingRequest): Promise<string>;
/** Books a hotel room; resolves to a confirmation number. */
export declare function bookHotel(req: BookingRequest): Promise<string>;
/** Books a flight; resolves to a confirmation number. */
export declare function bookFlight(req: BookingRequest): Promise<string>;

/** Cancels a car rental. Cancelling twice is harmless. */
export declare function cancelCar(confirmation: string): Promise<void>;
/** Cancels a hotel booking. Cancelling twice is harmless. */
export declare function cancelHotel(confirmation: string): Promise<void>;
/** Cancels a flight booking. Cancelling twice is harmless. */
export declare function cancelFlight(confirmation: string): Promise<void>;
