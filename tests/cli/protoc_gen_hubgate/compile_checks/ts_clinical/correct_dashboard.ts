// A ward dashboard on the typed clinical hub (examples/typed/clinical_dashboard.proto): must
// type-check with --strict.
import { HubConnectionBuilder } from "@microsoft/signalr";
import { AlarmSeverity, ClinicalHubConnection, PatientAdmittedDto, WardCapacity }
    from "./clinical_dashboard.hubgate";

export async function dashboard(token: string): Promise<void> {
  const connection = new HubConnectionBuilder()
      .withUrl(ClinicalHubConnection.path, { accessTokenFactory: () => token }).build();
  const hub = new ClinicalHubConnection(connection);
  hub.on.PatientAdmitted((dto: PatientAdmittedDto) => {
    console.log(dto.name, dto.wardId, dto.at.toISOString());
  });
  hub.on.AlarmTriggered((alarm) => {
    if (alarm.severity === AlarmSeverity.Critical) console.log(alarm.message);
  });
  hub.on.WardCapacityUpdated((ward) => console.log(ward.occupiedBeds, "/", ward.totalBeds));
  await connection.start();
  await hub.invoke.SubscribeToWard("4B");
  const capacity: WardCapacity = await hub.invoke.GetWardCapacity("4B");
  console.log(capacity.totalBeds);
  hub.stream.StreamINRReadings("patient-7").subscribe({
    next: (reading) => console.log(reading.inr, reading.at.getTime()),
    error: (error: unknown) => console.error(error),
    complete: () => console.log("done"),
  });
  await hub.invoke.AcknowledgeAlarm("alarm-1");
  await hub.invoke.UnsubscribeFromWard("4B");
}
