// The generated TypeScript used as intended: must type-check with --strict.
import { HubConnectionBuilder, Subject } from "@microsoft/signalr";
import { MessagePackHubProtocol } from "@microsoft/signalr-protocol-msgpack";
import { Address, Consent, EverythingHubConnection, Everything, Reading, Severity }
    from "./everything.hubgate";

export async function useHub(): Promise<void> {
  const connection = new HubConnectionBuilder().withUrl(EverythingHubConnection.path)
      .withHubProtocol(new MessagePackHubProtocol()).build();
  const hub = new EverythingHubConnection(connection, "messagepack");

  await hub.invoke.SendComment(42, "hello");
  await hub.send.SendComment(42, "hello");
  const count: number = await hub.invoke.CountComments();
  const tags: string[] = await hub.invoke.CheckProbe(null, new Date(), new Uint8Array([1, 2]),
                                                      Severity.HighRisk, null, [1, 2, 3]);
  const address: Address = { street: "Main", houseNumber: 4 };
  const echoed: Everything = await hub.invoke.Echo({
    flag: true, small: 1, big: 2, count: 3, huge: 4, ratio: 0.5, precise: 0.25, text: "t",
    blob: new Uint8Array(), at: new Date(), severity: Severity.Low, address, maybeSmall: null,
    maybeText: "x", tags: ["a"], addresses: [address], counters: { a: 1 },
    addressesByName: { home: address }, severities: [Severity.Low], signedBig: -1, fixedBig: 1,
    ward: "4B", tree: { label: "root", children: [] },
  });
  const when: Date = echoed.at;
  hub.stream.StreamReadings("patient-1", 3).subscribe({
    next: (reading: Reading) => console.log(reading.value, reading.at.getTime()),
    error: (error: unknown) => console.error(error),
    complete: () => console.log("done", count, tags, when),
  });

  const stop = hub.on.CommentAdded((postId: number, content: string) => {
    console.log(postId, content);
  });
  stop();
  const handler = (everything: Everything) => console.log(everything.blob.length);
  hub.on.EverythingChanged(handler);
  hub.off.EverythingChanged(handler);
  hub.handle.AskConsent(async (question): Promise<Consent> => ({
    accepted: question.question.length > 0,
  }));
  hub.handle.CountTabs(() => 2);

  const readings = new Subject<Reading>();
  const notes = new Subject<Address>();
  const recorded: Promise<number> = hub.invoke.RecordReadings(readings, "patient-1", notes);
  readings.next({ value: 1.5, at: new Date() });
  readings.complete();
  notes.complete();
  console.log(await recorded);
}
