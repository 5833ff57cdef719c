// Activity declarations for workflows.ts, in the TypeScript SDK's style.
export declare function charge(orderId: string, amountCents: number): Promise<string>;
export declare function refund(receipt: string): Promise<void>;
