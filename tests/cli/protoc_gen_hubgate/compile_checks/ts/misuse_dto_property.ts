// expect-error: TS2551
// DTO properties are camelCase: houseNumber, not house_number.
import { Address } from "./everything.hubgate";

export function describe(address: Address): string {
  return `${address.street} ${address.house_number}`;
}
