// expect-error: TS2345
// The handler expects a string where the client method delivers a number.
import { HubConnectionBuilder } from "@microsoft/signalr";
import { EverythingHubConnection } from "./everything.hubgate";

const hub = new EverythingHubConnection(new HubConnectionBuilder().withUrl("/hub").build());
hub.on.CommentAdded((postId: string) => console.log(postId.toUpperCase()));
