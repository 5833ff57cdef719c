// The activities' types; they are implemented in Go (activities.go).
export declare function charge(id: string, amount: number): Promise<string>;
export declare function ship(id: string): Promise<void>;
