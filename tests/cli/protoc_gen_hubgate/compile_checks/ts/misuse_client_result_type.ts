// expect-error: TS2322
// AskConsent must answer with a Consent.
import { HubConnectionBuilder } from "@microsoft/signalr";
import { EverythingHubConnection } from "./everything.hubgate";

const hub = new EverythingHubConnection(new HubConnectionBuilder().withUrl("/hub").build());
hub.handle.AskConsent(() => true);
