// expect-error: TS2551
// The typo that compiles with strings: connection.on("PatientAdmited", ...).
import { HubConnectionBuilder } from "@microsoft/signalr";
import { ClinicalHubConnection } from "./clinical_dashboard.hubgate";

const hub = new ClinicalHubConnection(new HubConnectionBuilder().withUrl("/hubs/clinical").build());
hub.on.PatientAdmited((dto) => console.log(dto));
