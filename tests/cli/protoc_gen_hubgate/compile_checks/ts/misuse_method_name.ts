// expect-error: TS2551
// A typo in a hub method's name.
import { HubConnectionBuilder } from "@microsoft/signalr";
import { EverythingHubConnection } from "./everything.hubgate";

const hub = new EverythingHubConnection(new HubConnectionBuilder().withUrl("/hub").build());
export const pending = hub.invoke.CountComment();
