import Foundation
import KioskProtocol
import Testing

@Suite struct BatchResultsJSONTests {
    @Test func encodesWhatJSONEncoderWithSortedKeysWrites() throws {
        let answer = BatchResults(results: [
            EventResult(id: "a", status: EventResult.accepted),
            EventResult(id: "b\"\\", status: EventResult.rejected, reason: "unknown procedure code 1.0099 — \"x\"\n"),
            EventResult(id: "c", status: EventResult.duplicate),
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        let expected = try encoder.encode(answer)
        #expect(answer.encodedJSON() == Array(expected))
        #expect(BatchResults(results: []).encodedJSON() == Array(#"{"results":[]}"#.utf8))
    }

    @Test func readsAnswersAsJSONDecoderDoes() throws {
        let texts = [
            #"{"results":[{"id":"a","status":"accepted"},{"id":"b","status":"rejected","reason":"r"}]}"#,
            #" { "other" : 1 , "results" : [ { "status" : "duplicate" , "id" : "\u0061" , "reason" : null , "x" : [1,{}] } ] } "#,
            #"{"results":[]}"#,
            #"{"results":[{"id":"a","status":"accepted","reason":"caf\u00e9 \ud83d\ude00"}]}"#,
        ]
        for text in texts {
            let ours = BatchResults(json: Array(text.utf8))
            let theirs = try JSONDecoder().decode(BatchResults.self, from: Data(text.utf8))
            #expect(ours == theirs, "\(text)")
        }
    }

    @Test func refusesWhatJSONDecoderRefuses() {
        let texts = [
            "", "not json", "[]", #"{"results":{}}"#, #"{"result":[]}"#, #"{"results":[{"id":"a"}]}"#,
            #"{"results":[{"id":1,"status":"accepted"}]}"#, #"{"results":[{"id":"a","status":"accepted","reason":5}]}"#,
            #"{"results":["a"]}"#, #"{"results":[{"id":"a","status":"accepted"}]"#,
        ]
        for text in texts {
            #expect(BatchResults(json: Array(text.utf8)) == nil, "\(text)")
            #expect((try? JSONDecoder().decode(BatchResults.self, from: Data(text.utf8))) == nil, "\(text)")
        }
    }
}
