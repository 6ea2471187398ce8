// expect-error: TS2551
// A typo in a client method's name: the bug `connection.on("PatientAdmited", ...)` hides.
import { HubConnectionBuilder } from "@microsoft/signalr";
import { EverythingHubConnection } from "./everything.hubgate";

const hub = new EverythingHubConnection(new HubConnectionBuilder().withUrl("/hub").build());
hub.on.CommentAded((postId, content) => console.log(postId, content));
