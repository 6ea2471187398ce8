// expect-error: TS2322
// CountComments resolves with a number.
import { HubConnectionBuilder } from "@microsoft/signalr";
import { EverythingHubConnection } from "./everything.hubgate";

const hub = new EverythingHubConnection(new HubConnectionBuilder().withUrl("/hub").build());
export async function read(): Promise<void> {
  const count: string = await hub.invoke.CountComments();
  console.log(count);
}
