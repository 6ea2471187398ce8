// expect-error: TS2345
// The readings stream carries Reading items, not Address ones.
import { HubConnectionBuilder, Subject } from "@microsoft/signalr";
import { Address, EverythingHubConnection } from "./everything.hubgate";

const hub = new EverythingHubConnection(new HubConnectionBuilder().withUrl("/hub").build());
export const pending = hub.invoke.RecordReadings(new Subject<Address>(), "p-1",
                                                 new Subject<Address>());
