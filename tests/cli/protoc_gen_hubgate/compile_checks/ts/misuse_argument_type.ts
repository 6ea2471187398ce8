// expect-error: TS2345
// postId is a number, not a string.
import { HubConnectionBuilder } from "@microsoft/signalr";
import { EverythingHubConnection } from "./everything.hubgate";

const hub = new EverythingHubConnection(new HubConnectionBuilder().withUrl("/hub").build());
export const pending = hub.invoke.SendComment("42", "hello");
