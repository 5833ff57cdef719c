// Money is a custom EJSON type: payloads carry it as
// {"$type": "money", "$value": {"amount": ..., "currency": ...}}, and the
// payload converter (payload-converter.ts) gives a Money back.
import EJSON from 'ejson';
import { order } from './order';

order.push('money.ts');

export class Money {
  constructor(
    readonly amount: number,
    readonly currency: string,
  ) {}

  typeName(): string {
    return 'money';
  }

  toJSONValue(): { amount: number; currency: string } {
    return { amount: this.amount, currency: this.currency };
  }

  clone(): Money {
    return new Money(this.amount, this.currency);
  }

  equals(other: unknown): boolean {
    return other instanceof Money && other.amount === this.amount && other.currency === this.currency;
  }

  toString(): string {
    return `${this.amount} ${this.currency}`;
  }
}

EJSON.addType('money', (v: { amount: number; currency: string }) => new Money(v.amount, v.currency));
