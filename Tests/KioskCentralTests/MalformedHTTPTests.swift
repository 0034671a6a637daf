import Foundation
import KioskCentral
import Testing

/// Whatever arrives, the receiver answers 4xx or closes, and keeps serving others.
@Suite struct MalformedHTTPTests {
    private func stillServes(_ receiver: TestReceiver, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(
            try receiver.client().request("GET", "/v1/health").response?.status == 200, sourceLocation: sourceLocation)
    }

    @Test(arguments: [
        "\u{00}\u{01}\u{02}garbage\r\n\r\n",
        "GET\r\n\r\n",
        "GET /v1/health\r\n\r\n",
        "GET /v1/health HTTP/9.9\r\n\r\n",
        "get /v1/health HTTP/1.1\r\n\r\n",
        "GET v1/health HTTP/1.1\r\n\r\n",
        "GET /v1/health HTTP/1.1\r\nNo colon here\r\n\r\n",
        "GET /v1/health HTTP/1.1\r\nBad Name: x\r\n\r\n",
        "GET /v1/health HTTP/1.1\r\nX: a\r\n folded\r\n\r\n",
        "POST /v1/events HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        "POST /v1/events HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
        "POST /v1/events HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
    ])
    func garbageGets400AndClose(request: String) throws {
        let receiver = try TestReceiver()
        let client = try receiver.client()
        client.send(request)
        let response = try #require(client.readResponse().response)
        #expect(response.status == 400)
        #expect(response.json()?["error"] != nil)
        #expect(client.isClosedByServer())
        try stillServes(receiver)
    }

    @Test func hugeHeaderGets431() throws {
        let receiver = try TestReceiver()
        let client = try receiver.client()
        client.send("GET /v1/health HTTP/1.1\r\nX-Big: \(String(repeating: "a", count: 20_000))\r\n\r\n")
        #expect(client.readResponse().response?.status == 431)
        try stillServes(receiver)
    }

    @Test func endlessHeaderWithoutBlankLineIsCutOff() throws {
        let receiver = try TestReceiver()
        let client = try receiver.client()
        client.send("GET /v1/health HTTP/1.1\r\n")
        for _ in 0..<200 { client.send("X-Filler: \(String(repeating: "b", count: 60))\r\n") }
        #expect(client.readResponse().response?.status == 431)
        try stillServes(receiver)
    }

    @Test func truncatedHeadThenCloseLeavesTheServerFine() throws {
        let receiver = try TestReceiver()
        do {
            let client = try receiver.client()
            client.send("POST /v1/events HTTP/1.1\r\nContent-Le")
            client.finishSending()
            #expect(client.isClosedByServer())
        }
        try stillServes(receiver)
    }

    @Test func bodyShorterThanContentLengthTimesOut() throws {
        let receiver = try TestReceiver { $0.limits.requestTimeout = 0.5 }
        let client = try receiver.client()
        client.send("POST /v1/events HTTP/1.1\r\nContent-Length: 100\r\n\r\nshort")
        #expect(client.isClosedByServer())
        try stillServes(receiver)
    }

    @Test func slowHeadIsDroppedAfterTheRequestTimeout() throws {
        let receiver = try TestReceiver { $0.limits.requestTimeout = 0.5 }
        let client = try receiver.client()
        client.send("GET /v1/hea")
        #expect(client.isClosedByServer())
    }

    @Test func idleKeepAliveConnectionIsClosed() throws {
        let receiver = try TestReceiver { $0.limits.idleTimeout = 0.3 }
        let client = try receiver.client()
        #expect(client.request("GET", "/v1/health").response?.status == 200)
        #expect(client.isClosedByServer())
    }

    @Test func bodyLongerThanContentLengthMakesTheRestAnotherRequest() throws {
        let receiver = try TestReceiver()
        let client = try receiver.client()
        client.send("POST /v1/nothing HTTP/1.1\r\nContent-Length: 2\r\n\r\nabEXTRA GARBAGE\r\n\r\n")
        #expect(client.readResponse().response?.status == 404)
        #expect(client.readResponse().response?.status == 400)
        try stillServes(receiver)
    }

    @Test func chunkedBodyIsRefusedWith411() throws {
        let receiver = try TestReceiver()
        let client = try receiver.client()
        client.send("POST /v1/events HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
        #expect(client.readResponse().response?.status == 411)
        #expect(client.isClosedByServer())
        try stillServes(receiver)
    }

    @Test func postWithoutContentLengthIs411() throws {
        let receiver = try TestReceiver()
        let client = try receiver.client()
        client.send("POST /v1/events HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(client.readResponse().response?.status == 411)
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let receiver = try TestReceiver()
        let client = try receiver.client()
        client.send("GET /v1/health HTTP/1.1\r\n\r\nGET /nope HTTP/1.1\r\n\r\nGET /v1/health HTTP/1.1\r\n\r\n")
        #expect(client.readResponse().response?.status == 200)
        #expect(client.readResponse().response?.status == 404)
        #expect(client.readResponse().response?.status == 200)
    }

    @Test func connectionsBeyondTheLimitGet503() throws {
        let receiver = try TestReceiver { $0.maxConnections = 2 }
        let first = try receiver.client()
        let second = try receiver.client()
        #expect(first.request("GET", "/v1/health").response?.status == 200)
        #expect(second.request("GET", "/v1/health").response?.status == 200)
        let third = try receiver.client()
        #expect(third.readResponse().response?.status == 503)
    }
}
