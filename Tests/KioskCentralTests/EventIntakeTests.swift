import Foundation
import KioskCentral
import KioskProtocol
import Testing

@Suite struct EventIntakeTests {
    private func statuses(_ outcome: RawHTTPClient.Outcome) throws -> [String] {
        let response = try #require(outcome.response)
        #expect(response.status == 200)
        let results = try JSONDecoder().decode(BatchResults.self, from: Data(response.body))
        return results.results.map(\.status)
    }

    @Test func signedBatchIsStoredOnceAndRepeatedAsDuplicate() throws {
        let receiver = try TestReceiver()
        let events = [
            Sample.event(seq: 1), Sample.event(seq: 2, type: EventType.kioskHealth.rawValue, data: Sample.health),
            Sample.event(
                seq: 3, type: EventType.postalItemAttached.rawValue,
                data: Array(#"{"code":"YBVY01-261121-0007-K","postalItem":"EA123456785VN"}"#.utf8)),
        ]
        #expect(try statuses(receiver.post(events)) == ["accepted", "accepted", "accepted"])
        #expect(try statuses(receiver.post(events)) == ["duplicate", "duplicate", "duplicate"])

        let stored = try receiver.server.storedEvents(kiosk: TestReceiver.kiosk)
        #expect(stored.map(\.id) == events.map(\.id))
        #expect(stored.map(\.seq) == [1, 2, 3])
        // data is kept byte for byte as it was in the body.
        #expect(stored.map(\.data) == events.map(\.data))
        #expect(stored[0].occurredAt == "2026-11-21T09:15:02+07:00")
        let statistics = receiver.server.statistics
        #expect(statistics.eventsAccepted == 3)
        #expect(statistics.eventsDuplicate == 3)
        #expect(statistics.count(route: "/v1/events", status: 200) == 2)
    }

    @Test func eventsSurviveARestartOfTheReceiver() throws {
        let receiver = try TestReceiver()
        let event = Sample.event(seq: 1)
        #expect(try statuses(receiver.post([event])) == ["accepted"])
        receiver.server.stop()
        let reopened = try CentralServer(configuration: receiver.server.configuration)
        #expect(try reopened.storedEvents(kiosk: nil).map(\.id) == [event.id])
    }

    @Test func eachEventIsJudgedOnItsOwn() throws {
        let receiver = try TestReceiver()
        let good = Sample.event(seq: 1)
        let batch = [
            good,
            Sample.event(seq: 2, type: "dossier.teleported"),
            Sample.event(seq: 3, data: Sample.receivedData(procedure: "1.0099")),
            Sample.event(seq: 4, data: Sample.receivedData(dropping: "applicant")),
            Sample.event(seq: 5, type: EventType.returned.rawValue, data: Array(#"{"code":"X"}"#.utf8)),
            Sample.event(seq: 6, data: Array("[1,2]".utf8)),
            WireEvent(
                id: "seq-zero", seq: 0, type: EventType.kioskHealth.rawValue, occurredAt: "t", data: Sample.health),
        ]
        let response = try #require(try receiver.post(batch).response)
        #expect(response.status == 200)
        let results = try JSONDecoder().decode(BatchResults.self, from: Data(response.body)).results
        #expect(results.map(\.id) == batch.map(\.id))
        #expect(results.map(\.status) == ["accepted"] + Array(repeating: "rejected", count: 6))
        #expect(results[1].reason == "unknown event type dossier.teleported")
        #expect(results[2].reason == "dossier.received: procedure code 1.0099 is not of the form N.NNNNNN")
        #expect(results[3].reason == "dossier.received: missing field applicant")
        #expect(results[4].reason == "dossier.returned: missing field returnedAt")
        #expect(results[5].reason == "data is missing or not a JSON object")
        #expect(results[6].reason == "seq must be a positive integer")
        // Reasons never carry personal data.
        #expect(!response.text.contains("001094012345"))
        #expect(try receiver.server.storedEvents(kiosk: TestReceiver.kiosk).map(\.id) == [good.id])
        #expect(receiver.server.statistics.eventsRejected == 6)
    }

    @Test func fieldTypesAreChecked() throws {
        let receiver = try TestReceiver()
        let health = EventType.kioskHealth.rawValue
        let batch = [
            Sample.event(
                seq: 1, type: health,
                data: Array(#"{"printer":"ok","scanner":"ok","backlog":true,"deadLetters":0,"version":"1"}"#.utf8)),
            Sample.event(
                seq: 2, type: health,
                data: Array(#"{"printer":"ok","scanner":"ok","backlog":1.5,"deadLetters":0,"version":"1"}"#.utf8)),
            Sample.event(
                seq: 3, type: health,
                data: Array(#"{"printer":"ok","scanner":null,"backlog":1,"deadLetters":0,"version":"1"}"#.utf8)),
            Sample.event(
                seq: 4, type: health,
                data: Array(
                    #"{"printer":"ok","scanner":"ok","backlog":1,"deadLetters":0,"version":"1","oldestPendingAt":null,"extra":[1]}"#
                        .utf8)),
            Sample.event(
                seq: 5, type: EventType.postalItemAttached.rawValue, data: Array(#"{"code":"C","postalItem":7}"#.utf8)),
        ]
        let response = try #require(try receiver.post(batch).response)
        let results = try JSONDecoder().decode(BatchResults.self, from: Data(response.body)).results
        #expect(
            results.map(\.reason) == [
                "kiosk.health: field backlog has the wrong type", "kiosk.health: field backlog has the wrong type",
                "kiosk.health: field scanner is null", nil,
                "dossier.postal-item-attached: field postalItem has the wrong type",
            ])
        #expect(results[3].status == "accepted")
    }

    @Test func batchOfZeroOrMoreThan500EventsIsRefused() throws {
        let receiver = try TestReceiver()
        let empty = try #require(try receiver.post([]).response)
        #expect(empty.status == 400)
        #expect((empty.json()?["error"] as? String)?.contains("1 to 500") == true)
        let tooMany = (1...501).map {
            Sample.event(seq: Int64($0), type: EventType.kioskHealth.rawValue, data: Sample.health)
        }
        #expect(try receiver.post(tooMany).response?.status == 400)
        let justRight = Array(tooMany.prefix(500))
        #expect(try statuses(receiver.post(justRight)).count == 500)
        #expect(try receiver.server.storedEvents(kiosk: TestReceiver.kiosk).count == 500)
    }

    @Test func malformedBodiesAreRefusedWith400() throws {
        let receiver = try TestReceiver()
        for body in [
            "not json", "[1,2,3]", #"{"kiosk":"YB-VANYEN-01","events":[]}"#,
            #"{"kiosk":"YB-VANYEN-01","sentAt":"s","events":[{"seq":1}]}"#,
            #"{"kiosk":"YB-VANYEN-01","sentAt":"s","events":"none"}"#,
        ] {
            let outcome = try receiver.signed("POST", "/v1/events", body: Array(body.utf8))
            #expect(outcome.response?.status == 400, "\(body)")
        }
    }

    @Test func kioskInBodyMustBeTheSigner() throws {
        let receiver = try TestReceiver()
        let response = try #require(try receiver.post([Sample.event(seq: 1)], kiosk: "LC-OTHER-02").response)
        #expect(response.status == 400)
        #expect(try receiver.server.storedEvents(kiosk: nil).isEmpty)
    }

    @Test func oversizeBodyIsRefusedWith413() throws {
        let receiver = try TestReceiver()
        let client = try receiver.client()
        client.send("POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: \(5 << 20)\r\n\r\n")
        client.send(Array(repeating: UInt8(ascii: "x"), count: 100_000))
        let response = try #require(client.readResponse().response)
        #expect(response.status == 413)
        #expect(try receiver.client().request("GET", "/v1/health").response?.status == 200)
    }

    @Test func bodyUpToTheCapIsRead() throws {
        // A 4 MiB batch (the protocol's cap) must get through, with Expect: 100-continue as curl sends it.
        let receiver = try TestReceiver()
        let filler = String(repeating: "a", count: 8_000)
        let data = Array(#"{"printer":"ok","scanner":"ok","backlog":0,"deadLetters":0,"version":"\#(filler)"}"#.utf8)
        let events = (1...500).map { Sample.event(seq: Int64($0), type: EventType.kioskHealth.rawValue, data: data) }
        let body = EventBatchBody.encode(kiosk: TestReceiver.kiosk, sentAt: "s", events: events)
        #expect(body.count > 4_000_000 && body.count <= 4 << 20)
        let client = try receiver.client()
        let response = client.request(
            "POST", "/v1/events",
            headers: [
                ("Authorization", receiver.authorization("POST", "/v1/events", body: body)), ("Expect", "100-continue"),
            ],
            body: body)
        #expect(response.response?.status == 200)
        #expect(try receiver.server.storedEvents(kiosk: TestReceiver.kiosk).count == 500)
    }

    @Test func anyValidJSONLayoutIsReadAndDataIsStoredByteForByte() throws {
        let receiver = try TestReceiver()
        let data = #"""
            {
              "code" : "YBVY01-261121-0007-K", "procedure" : { "code" : "1.001234", "name" : "C\u1ea5p Phi\u1ebfu \"LLTP\"" },
              "applicant" : {"idNumber":"001094012345","name":"Nguy\u1ec5n B\u00e1 Ho\u00e0ng","birthDate":"1995-03-14",
                             "gender":"Nam","address":"Th\u00f4n 3\\4\n\t\u0078\/y \ud83d\ude00"},
              "receivedAt":"2026-11-21T09:15:02+07:00","dueDate":"2026-11-28",
              "fee":{"amount":200000,"currency":"VND","extra":{"deep":[1,2.5e3,true,null,{"x":[]}]}},
              "delivery":{"method":"counter"},"office":"B\u01b0u \u0111i\u1ec7n","unknown":[{}]
            }
            """#
        let body = Array(
            #"""
             {
              "unknownEnvelopeField": {"a": [1, 2, {"b": null}]},
              "kiosk" : "YB-VANYEN-01" ,
              "sentAt" : "2026-11-21T09:15:03+07:00",
              "events" : [
                { "\u0069d" : "6f1c1b2e-3c39-4f7e-9d8a-0b6a3f1e2c11", "seq" : 7, "type" : "dossier.received",
                  "occurredAt" : "2026-11-21T09:15:02+07:00", "future" : {"x": "y"}, "data" : \#(data) }
              ]
            }

            """#.utf8)
        let outcome = try receiver.signed("POST", "/v1/events", body: body)
        #expect(try statuses(outcome) == ["accepted"])
        let stored = try #require(try receiver.server.storedEvents(kiosk: TestReceiver.kiosk).first)
        #expect(stored.id == "6f1c1b2e-3c39-4f7e-9d8a-0b6a3f1e2c11")
        #expect(stored.seq == 7)
        #expect(stored.data == Array(data.utf8))
    }

    @Test func truncatedOrMutatedBodiesNeverCrashTheReceiver() throws {
        let receiver = try TestReceiver()
        let body = EventBatchBody.encode(
            kiosk: TestReceiver.kiosk, sentAt: "2026-11-21T09:15:03+07:00",
            events: [Sample.event(seq: 1), Sample.event(seq: 2)])
        var state: UInt64 = 42
        for cut in stride(from: 1, to: body.count, by: 97) {
            let outcome = try receiver.signed("POST", "/v1/events", body: Array(body.prefix(cut)))
            #expect(outcome.response?.status == 400, "cut at \(cut)")
        }
        for _ in 0..<40 {
            state = state &* 6_364_136_223_846_793_005 &+ 1
            var mutated = body
            mutated[Int(state >> 33) % mutated.count] = UInt8(truncatingIfNeeded: state >> 17)
            let status = try receiver.signed("POST", "/v1/events", body: mutated).response?.status
            #expect(status == 200 || status == 400)
        }
        #expect(try receiver.client().request("GET", "/v1/health").response?.status == 200)
    }
}
